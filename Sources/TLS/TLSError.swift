import COpenSSL

/// Why a TLS session failed, as OpenSSL reported it.
///
/// The wire reply is already queued in the session: the fatal alert OpenSSL chose (send what
/// `takeCiphertext` returns, then close). The one exception is `.plainHTTPRequest`, where OpenSSL sends
/// nothing and `plaintextReply` holds a plain HTTP 400 the browser can show, as nginx does.
///
/// `isPeerFault` is true when the peer sent something the protocol or our policy refuses (bad record,
/// unsupported version, no shared cipher, an alert): log it at info level and close. It is false when our
/// side broke (allocation failure, internal error): that deserves an error log.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Cause: Sendable, Equatable {
        /// Plain HTTP (`GET / HTTP/1.1`, `CONNECT`) sent to the TLS port.
        case plainHTTPRequest
        /// The peer offered only versions outside the profile (TLS 1.1 and older, or 1.2 on `.modern`).
        case unsupportedProtocolVersion
        /// No cipher suite or group in common (DHE-only, RSA key exchange, CBC-only clients).
        case noSharedCipher
        /// ALPN offered without `http/1.1` (answered with alert 120).
        case noApplicationProtocol
        /// The peer tried to renegotiate a TLS 1.2 session.
        case renegotiationRefused
        /// The peer sent a fatal alert with this description code (RFC 8446 §6).
        case alertReceived(UInt8)
        /// Anything else OpenSSL refused; `reason` has the detail.
        case other
    }

    public var cause: Cause
    /// OpenSSL's reason string, e.g. "http request" or "no shared cipher".
    public var reason: String
    public var isPeerFault: Bool

    public init(cause: Cause, reason: String, isPeerFault: Bool) {
        self.cause = cause
        self.reason = reason
        self.isPeerFault = isPeerFault
    }

    /// For `.plainHTTPRequest` only: a plain HTTP/1.1 400 explaining that this port speaks HTTPS.
    public var plaintextReply: [UInt8]? {
        guard cause == .plainHTTPRequest else { return nil }
        let body = "This port speaks HTTPS: use an https:// address.\n"
        let head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Array((head + body).utf8)
    }

    public var description: String {
        "TLS \(isPeerFault ? "peer error" : "local error"): \(reason)"
    }
}

/// Reads and clears the calling thread's OpenSSL error queue.
///
/// OpenSSL keeps one queue per thread; every call site clears it before an SSL call and drains it after,
/// so a failure on one connection never leaks its reason into another one on the same loop thread.
enum OpenSSLErrorQueue {
    /// Clears the thread's OpenSSL error queue, which is almost always empty already (peeking is
    /// far cheaper than clearing on every read and write).
    static func clear() { if ERR_peek_error() != 0 { ERR_clear_error() } }

    /// All queued reasons joined with "; ", oldest first, and the queue cleared.
    static func drainText() -> String {
        var parts: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            parts.append(text(code))
        }
        return parts.joined(separator: "; ")
    }

    /// The first queued error turned into a `TLSError`, and the queue cleared.
    static func drainTLSError(fallback: String) -> TLSError {
        let first = ERR_get_error()
        while ERR_get_error() != 0 {}
        guard first != 0 else {
            return TLSError(cause: .other, reason: fallback, isPeerFault: true)
        }
        let library = ERR_GET_LIB(first)
        let reasonCode = ERR_GET_REASON(first)
        let ours = library != ERR_LIB_SSL || reasonCode == ERR_R_INTERNAL_ERROR || reasonCode == ERR_R_MALLOC_FAILURE
        return TLSError(cause: cause(reasonCode: reasonCode, library: library),
                        reason: reasonString(first), isPeerFault: !ours)
    }

    static func cause(reasonCode: Int32, library: Int32) -> TLSError.Cause {
        guard library == ERR_LIB_SSL else { return .other }
        switch reasonCode {
        case SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST: return .plainHTTPRequest
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_VERSION_TOO_LOW: return .unsupportedProtocolVersion
        case SSL_R_NO_SHARED_CIPHER, SSL_R_NO_SHARED_GROUPS, SSL_R_NO_SUITABLE_KEY_SHARE: return .noSharedCipher
        case SSL_R_NO_APPLICATION_PROTOCOL: return .noApplicationProtocol
        case SSL_R_NO_RENEGOTIATION: return .renegotiationRefused
        case SSL_AD_REASON_OFFSET..<(SSL_AD_REASON_OFFSET + 256):
            return .alertReceived(UInt8(reasonCode - SSL_AD_REASON_OFFSET))
        default: return .other
        }
    }

    static func reasonString(_ code: UInt) -> String {
        if let reason = ERR_reason_error_string(code) { return String(cString: reason) }
        return "error \(ERR_GET_LIB(code)):\(ERR_GET_REASON(code))"
    }

    static func text(_ code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
