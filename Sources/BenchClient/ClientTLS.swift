import COpenSSL

/// Client side of TLS for the load tool: OpenSSL over two memory BIOs, so the event loop keeps
/// owning the socket. The certificate is not verified (the tool measures the server's cost of a
/// full handshake, not the client's trust decisions). Every connection is a full handshake unless
/// the scenario hands it a `ClientTLSResumption` taken from an earlier connection, as a browser
/// offers the ticket it kept.
public final class ClientTLSContext {
    let context: OpaquePointer
    /// Decrypted bytes land here; shared by the context's sessions, all on one loop thread.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    public init() {
        context = SSL_CTX_new(TLS_client_method())!
        _ = mingle_ctx_set_proto_range(context, TLS1_2_VERSION, TLS1_3_VERSION)
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        _ = mingle_ctx_set_modes(context)
    }

    deinit {
        SSL_CTX_free(context)
        scratch.deallocate()
    }
}

/// One client TLS connection, sans-IO: ciphertext in, ciphertext out.
final class ClientTLSSession {
    enum Step { case handshaking, established, failed(String) }

    private let ssl: OpaquePointer
    private let fromServer: OpaquePointer
    private let toServer: OpaquePointer
    private(set) var isEstablished = false

    init(context: ClientTLSContext, resuming: ClientTLSResumption? = nil) {
        ssl = SSL_new(context.context)!
        fromServer = BIO_new(BIO_s_mem())!
        toServer = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, fromServer, toServer)
        SSL_set_connect_state(ssl)
        if let resuming { _ = SSL_set_session(ssl, resuming.session) }
    }

    deinit { SSL_free(ssl) }

    /// Whether the server accepted the offered session (an abbreviated handshake).
    var isResumed: Bool { isEstablished && SSL_session_reused(ssl) == 1 }

    /// The session to offer next time, once the server's ticket has been read (TLS 1.3 tickets
    /// arrive after the handshake, so call this after reading application data); nil before.
    func resumption() -> ClientTLSResumption? {
        guard isEstablished, let session = SSL_get1_session(ssl) else { return nil }
        defer { SSL_SESSION_free(session) }
        // A copy: SSL_free of a connection that ended without close_notify (the tool aborts, as a
        // browser losing its network does) marks its own session not resumable.
        guard SSL_SESSION_is_resumable(session) == 1, let copy = SSL_SESSION_dup(session) else { return nil }
        return ClientTLSResumption(session: copy)
    }

    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        _ = BIO_write(fromServer, bytes.baseAddress, Int32(bytes.count))
    }

    /// Moves pending ciphertext to `output`.
    func drainCiphertext(into output: (UnsafeRawBufferPointer) -> Void) {
        while true {
            var ptr: UnsafeMutablePointer<CChar>?
            let n = BIO_ctrl(toServer, BIO_CTRL_INFO, 0, &ptr)
            guard n > 0, let p = ptr else { return }
            output(UnsafeRawBufferPointer(start: p, count: n))
            _ = BIO_ctrl(toServer, BIO_CTRL_RESET, 0, nil)
            return
        }
    }

    func handshake() -> Step {
        if isEstablished { return .established }
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 { isEstablished = true; return .established }
        let e = SSL_get_error(ssl, rc)
        if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE { return .handshaking }
        return .failed("TLS handshake failed (SSL error \(e), \(Self.errorText()))")
    }

    enum ReadEnd { case needsMoreInput, closeNotify, failed }

    /// Decrypts everything available, then says why it stopped.
    func readPlaintext(into buffer: UnsafeMutableRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> ReadEnd {
        while true {
            var count = 0
            let ok = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
            if ok == 1 {
                body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
                continue
            }
            switch SSL_get_error(ssl, 0) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needsMoreInput
            case SSL_ERROR_ZERO_RETURN: return .closeNotify
            default: return .failed
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            var written = 0
            let ok = SSL_write_ex(ssl, bytes.baseAddress! + offset, bytes.count - offset, &written)
            if ok != 1 { return }
            offset += written
        }
    }

    static func errorText() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "no detail" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A session (with its ticket) kept from one connection to offer on the next.
public final class ClientTLSResumption {
    let session: OpaquePointer
    init(session: OpaquePointer) { self.session = session }
    deinit { SSL_SESSION_free(session) }
}
