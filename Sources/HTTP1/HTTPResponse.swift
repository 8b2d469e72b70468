import ByteText
/// A complete response held in memory. The serializer owns the framing: it writes Content-Length
/// from the body itself and drops any Content-Length or Transfer-Encoding a handler put in
/// `headers`, so a handler cannot frame a response two ways.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `application/json` with the given, already encoded, body.
    public static func json(_ jsonBytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: jsonBytes)
    }

    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// A plain error or status page: "404 Not Found" and a newline.
    public static func status(_ status: Int) -> HTTPResponse {
        .text("\(status) \(HTTPStatus.reasonPhrase(for: status))\n", status: status)
    }

    /// RFC 9110 §6.4.1 and §8.6: 1xx, 204 and 304 responses carry no content and no
    /// Content-Length (a 304's Content-Length would describe the unsent representation).
    var hasNoContent: Bool {
        (100..<200).contains(status) || status == 204 || status == 304
    }

    /// The response's bytes. For a HEAD request the Content-Length is the body's length but the body
    /// itself is left out (RFC 9110 §9.3.2).
    public func serialize(forHEAD: Bool = false) -> [UInt8] {
        let reason = HTTPStatus.reasonPhrase(for: status)
        var out: [UInt8] = []
        out.reserveCapacity(64 + reason.utf8.count + headers.count * 40 + (forHEAD ? 0 : body.count))
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status, to: &out)
        out.append(ASCII.space)
        out.append(contentsOf: reason.utf8)
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        for (name, value) in headers {
            if ASCII.equalsIgnoringCase(name, "Content-Length") || ASCII.equalsIgnoringCase(name, "Transfer-Encoding") {
                continue
            }
            precondition(Self.isSafeFieldLine(name: name, value: value), "header \(name) would split the response")
            out.append(contentsOf: name.utf8)
            out.append(ASCII.colon)
            out.append(ASCII.space)
            out.append(contentsOf: value.utf8)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
        if !hasNoContent {
            out.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(body.count, to: &out)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        if !forHEAD && !hasNoContent {
            out.append(contentsOf: body)
        }
        return out
    }

    /// Serializes for `request`: no body for HEAD, and `Connection: close` when the request does
    /// not keep the connection alive.
    public func serialize(respondingTo request: HTTPRequestHead) -> [UInt8] {
        var response = self
        if !request.keepAlive && !response.headers.containsToken("close", for: "Connection") {
            response.headers.append(name: "Connection", value: "close")
        }
        return response.serialize(forHEAD: request.method == "HEAD")
    }

    static func isSafeFieldLine(name: String, value: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(ASCII.isTokenChar) && value.utf8.allSatisfy(ASCII.isFieldValueChar)
    }

    /// `String(Int)` fits the small-string form, so this does not allocate.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
