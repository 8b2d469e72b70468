import ByteText
// The request line and header section (RFC 9112 §2-§5). Each line is checked as soon as its CRLF
// arrives; the head's framing (Host, Content-Length, Transfer-Encoding) once the empty line does.
extension RequestParser {
    /// Consumes the request line, or one empty line before it. Returns false when more bytes are needed.
    mutating func readRequestLine() throws(RequestError) -> Bool {
        guard let line = try nextLine(
            maxContentBytes: limits.maxRequestLineBytes, tooLong: .requestLineTooLong,
            bytesLeft: limits.maxHeadBytes - headBytes, overBudget: .headTooLarge
        ) else { return false }
        headBytes += line.consumed
        // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
        // ignore at least one empty line (CRLF) received prior to the request-line." They count
        // against the head budget, so a stream of them is still bounded.
        if line.content.isEmpty { return true }
        let parsed = buffer.withUnsafeBytes { raw in
            Self.parseRequestLine(UnsafeRawBufferPointer(rebasing: raw[line.content]))
        }
        let requestLine = try parsed.get()
        method = requestLine.method
        target = requestLine.target
        versionMinor = requestLine.versionMinor
        headers = HTTPHeaders()
        headers.reserveCapacity(12)
        state = .headerLines
        return true
    }

    /// Consumes one header line. Returns nil when more bytes are needed, `.some(nil)` after a field,
    /// and the finished head after the empty line.
    mutating func readHeaderLine() throws(RequestError) -> HTTPRequestHead?? {
        guard let line = try nextLine(
            maxContentBytes: limits.maxHeaderLineBytes, tooLong: .headerLineTooLong,
            bytesLeft: limits.maxHeadBytes - headBytes, overBudget: .headTooLarge
        ) else { return nil }
        headBytes += line.consumed
        if line.content.isEmpty {
            return .some(try finishHead())
        }
        if headers.count == limits.maxHeaderCount { throw RequestError(.tooManyHeaders) }
        let isFirst = headers.isEmpty
        let parsed = buffer.withUnsafeBytes { raw in
            Self.parseFieldLine(UnsafeRawBufferPointer(rebasing: raw[line.content]), isFirst: isFirst)
        }
        let field = try parsed.get()
        headers.append(name: field.name, value: field.value)
        return .some(nil)
    }

    struct RequestLine {
        var method: String
        var target: String
        var versionMinor: Int
    }

    /// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3). Exactly one SP
    /// between parts: the RFC lets recipients accept other whitespace, which is the kind of
    /// leniency that lets two parsers disagree.
    static func parseRequestLine(_ line: UnsafeRawBufferPointer) -> Result<RequestLine, RequestError> {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let lastSpace = line.lastIndex(of: ASCII.space), firstSpace < lastSpace
        else { return .failure(RequestError(.malformedRequestLine)) }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[..<firstSpace])
        let targetBytes = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)...])
        // A space inside the target means more than three parts.
        if targetBytes.isEmpty || targetBytes.contains(ASCII.space) || methodBytes.isEmpty {
            return .failure(RequestError(.malformedRequestLine))
        }
        // RFC 9110 §9.1: method = token.
        guard methodBytes.allSatisfy(ASCII.isTokenChar) else { return .failure(RequestError(.invalidMethod)) }
        let versionMinor: Int
        switch parseVersion(versionBytes) {
        case .success(let minor): versionMinor = minor
        case .failure(let error): return .failure(error)
        }
        guard targetBytes.allSatisfy(ASCII.isTargetChar), isAcceptedTargetForm(targetBytes, method: methodBytes)
        else { return .failure(RequestError(.invalidTarget)) }
        return .success(RequestLine(
            method: String(decoding: methodBytes, as: UTF8.self),
            target: String(decoding: targetBytes, as: UTF8.self),
            versionMinor: versionMinor
        ))
    }

    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 §2.3, case-sensitive). A well-formed
    /// version other than 1.0 or 1.1 is answered 505 (RFC 9110 §15.6.6); anything else is 400.
    static func parseVersion(_ bytes: UnsafeRawBufferPointer) -> Result<Int, RequestError> {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
              bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == ASCII.slash,
              ASCII.isDigit(bytes[5]), bytes[6] == UInt8(ascii: "."), ASCII.isDigit(bytes[7])
        else { return .failure(RequestError(.malformedVersion)) }
        guard bytes[5] == UInt8(ascii: "1"), bytes[7] == UInt8(ascii: "0") || bytes[7] == UInt8(ascii: "1")
        else { return .failure(RequestError(.unsupportedVersion)) }
        return .success(Int(bytes[7] - UInt8(ascii: "0")))
    }

    /// RFC 9112 §3.2: origin-form ("/path?query"), absolute-form ("http://host/path", which a
    /// server MUST accept), and asterisk-form ("*", OPTIONS only). Authority-form belongs to CONNECT,
    /// which this server does not proxy.
    static func isAcceptedTargetForm(_ target: UnsafeRawBufferPointer, method: UnsafeRawBufferPointer) -> Bool {
        if target[0] == ASCII.slash { return true }
        if target.count == 1 && target[0] == UInt8(ascii: "*") {
            return method.elementsEqual("OPTIONS".utf8)
        }
        for scheme: StaticString in ["http://", "https://"] {
            let length = scheme.utf8CodeUnitCount
            if target.count > length,
               ASCII.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: target[..<length]), lowercase: scheme),
               target[length] != ASCII.slash {
                return true
            }
        }
        return false
    }

    /// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5).
    static func parseFieldLine(
        _ line: UnsafeRawBufferPointer, isFirst: Bool
    ) -> Result<(name: String, value: String), RequestError> {
        if ASCII.isWhitespace(line[0]) {
            // RFC 9112 §2.2: whitespace between the start-line and the first field "MUST either
            // reject the message as invalid or consume each whitespace-preceded line without further
            // processing". §5.2: a server "MUST either reject the message by sending a 400 (Bad
            // Request) ... or replace each received obs-fold with one or more SP". Both: reject.
            return .failure(RequestError(isFirst ? .whitespaceAfterStartLine : .obsoleteLineFolding))
        }
        // One pass over the name: it ends at the first byte that is not a tchar, which must be ":".
        var colon = 0
        while colon < line.count && ASCII.isTokenChar(line[colon]) { colon += 1 }
        guard colon < line.count, line[colon] == ASCII.colon else {
            // RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request),
            // any received request message that contains whitespace between a header field name and
            // colon."
            var next = colon
            while next < line.count && ASCII.isWhitespace(line[next]) { next += 1 }
            let spaceThenColon = colon > 0 && next > colon && next < line.count && line[next] == ASCII.colon
            return .failure(RequestError(spaceThenColon ? .whitespaceBeforeColon : .invalidHeaderName))
        }
        guard colon > 0 else { return .failure(RequestError(.invalidHeaderName)) }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        var low = colon + 1, high = line.count
        while low < high && ASCII.isWhitespace(line[low]) { low += 1 }
        while high > low && ASCII.isWhitespace(line[high - 1]) { high -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[low..<high])
        // RFC 9110 §5.5: CR, LF and NUL in a value are invalid; other controls are not field-vchar.
        guard ASCII.allFieldValueChars(value) else { return .failure(RequestError(.invalidHeaderValue)) }
        return .success((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }
}
