import ByteText
/// A parsed request line and header section. Every field has passed the RFC 9112 checks of
/// `RequestParser`; meaning (routing, upgrades, authentication) is the caller's.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token, case-sensitive as sent (RFC 9110 §9.1).
    public var method: String
    /// The request-target exactly as sent.
    public var target: String
    /// The target's path without the query, not percent-decoded ("/" for an absolute-form target
    /// without a path, "*" for the asterisk form).
    public var path: String
    /// What follows the first "?", not decoded; nil when the target has no "?".
    public var query: String?
    public var versionMajor: Int
    public var versionMinor: Int
    public var headers: HTTPHeaders

    public init(
        method: String, target: String, versionMajor: Int = 1, versionMinor: Int = 1,
        headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.method = method
        self.target = target
        (path, query) = Self.splitTarget(target)
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.headers = headers
    }

    /// RFC 9112 §9.3: HTTP/1.1 stays open unless `Connection: close`; HTTP/1.0 closes unless
    /// `Connection: keep-alive`.
    public var keepAlive: Bool {
        if headers.containsToken("close", for: "Connection") { return false }
        if versionMinor >= 1 { return true }
        return headers.containsToken("keep-alive", for: "Connection")
    }

    /// The request asks to switch protocols: `Connection` lists `upgrade` and `Upgrade` is present
    /// (RFC 9110 §7.8). Whether the upgrade is acceptable is the caller's decision.
    public var isUpgrade: Bool {
        headers.containsToken("upgrade", for: "Connection") && !(headers["Upgrade"] ?? "").isEmpty
    }

    /// The declared body length; nil when there is none or the body is chunked.
    public var contentLength: Int? {
        headers["Content-Length"].flatMap { value in
            Int(value.split(separator: ",").first.map { $0.trimmingWhitespace() } ?? "")
        }
    }

    /// Whether the body arrives in chunked transfer coding.
    public var isChunked: Bool {
        headers.contains("Transfer-Encoding")
    }

    /// The head as a client writes it: request line, fields in order, empty line. Used by tests and
    /// by in-process clients; the fields must already be valid.
    public func serialize() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + target.utf8.count + headers.count * 32)
        out.append(contentsOf: method.utf8)
        out.append(ASCII.space)
        out.append(contentsOf: target.utf8)
        out.append(contentsOf: " HTTP/\(versionMajor).\(versionMinor)\r\n".utf8)
        for (name, value) in headers {
            precondition(HTTPResponse.isSafeFieldLine(name: name, value: value), "header \(name) would split the request")
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        return out
    }

    /// Splits a request-target into path and query, accepting the origin, absolute and asterisk forms.
    static func splitTarget(_ target: String) -> (path: String, query: String?) {
        var utf8 = target
        return utf8.withUTF8 { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            let parts = splitTarget(raw)
            // The common origin-form target without a query is its own path: no copy.
            let path = parts.path == 0..<raw.count
                ? target : (parts.path.isEmpty ? "/" : String(decoding: raw[parts.path], as: UTF8.self))
            return (path, parts.queryStart.map { String(decoding: raw[$0...], as: UTF8.self) })
        }
    }

    static func splitTarget(_ bytes: UnsafeRawBufferPointer) -> (path: Range<Int>, queryStart: Int?) {
        var pathStart = 0
        let isOriginForm = bytes.first == ASCII.slash
        let isAsterisk = bytes.count == 1 && bytes[0] == UInt8(ascii: "*")
        if !isOriginForm && !isAsterisk {
            // absolute-form: the path starts after "scheme://authority".
            var index = 0
            while index + 2 < bytes.count
                && !(bytes[index] == ASCII.colon && bytes[index + 1] == ASCII.slash && bytes[index + 2] == ASCII.slash) {
                index += 1
            }
            if index + 2 < bytes.count {
                index += 3
                while index < bytes.count && bytes[index] != ASCII.slash && bytes[index] != ASCII.question { index += 1 }
                pathStart = index
            }
        }
        var mark = pathStart
        while mark < bytes.count && bytes[mark] != ASCII.question { mark += 1 }
        return (pathStart..<mark, mark < bytes.count ? mark + 1 : nil)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
