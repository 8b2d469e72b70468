import ByteText
// Where a request's body ends (RFC 9112 §6.3) is decided once, from the finished head. Every
// ambiguous shape is refused: two parsers that frame the same bytes differently are how a second,
// hidden request gets smuggled past the first.
extension RequestParser {
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// The fields that decide framing, gathered in one pass over the head.
    struct FramingFields {
        var hosts: [String] = []
        var transferEncodings: [String] = []
        var contentLengths: [String] = []

        init(_ headers: HTTPHeaders) {
            for (name, value) in headers {
                // The length test first keeps this to one integer compare for most fields.
                switch name.utf8.count {
                case 4 where ASCII.equalsIgnoringCase(name, "Host"): hosts.append(value)
                case 14 where ASCII.equalsIgnoringCase(name, "Content-Length"): contentLengths.append(value)
                case 17 where ASCII.equalsIgnoringCase(name, "Transfer-Encoding"): transferEncodings.append(value)
                default: break
                }
            }
        }
    }

    mutating func finishHead() throws(RequestError) -> HTTPRequestHead {
        let fields = FramingFields(headers)
        try Self.checkHost(fields.hosts, versionMinor: versionMinor)
        let framing = try Self.bodyFraming(fields, versionMinor: versionMinor, limits: limits)
        let head = HTTPRequestHead(
            method: method, target: target, versionMajor: 1, versionMinor: versionMinor, headers: headers
        )
        headers = HTTPHeaders()
        switch framing {
        case .none, .length(0): state = .endPending
        case .length(let length): state = .fixedBody(remainingBytes: length)
        case .chunked: state = .chunkSizeLine
        }
        return head
    }

    /// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
    /// request message that lacks a Host header field and to any request message that contains more
    /// than one Host header field line or a Host header field with an invalid field value."
    static func checkHost(_ hosts: [String], versionMinor: Int) throws(RequestError) {
        if hosts.count > 1 { throw RequestError(.duplicateHost) }
        guard let host = hosts.first else {
            if versionMinor >= 1 { throw RequestError(.missingHost) }
            return
        }
        // Host = uri-host [ ":" port ]: reg-name / IP-literal characters only (RFC 3986 §3.2.2).
        var hostBytes = host
        guard hostBytes.withUTF8({ $0.allSatisfy(isHostChar) }) else { throw RequestError(.invalidHost) }
    }

    static func isHostChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
            return true
        default:
            return false
        }
    }

    static func bodyFraming(
        _ fields: FramingFields, versionMinor: Int, limits: HTTPLimits
    ) throws(RequestError) -> BodyFraming {
        let transferEncodings = fields.transferEncodings
        let contentLengths = fields.contentLengths
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.1: a server that receives an HTTP/1.0 message with Transfer-Encoding "MUST
            // treat the message as if the framing is faulty".
            if versionMinor == 0 { throw RequestError(.transferEncodingInHTTP10) }
            // RFC 9112 §6.3 (3): both present "might indicate an attempt to perform request smuggling
            // ... and ought to be handled as an error"; §6.1: a server MAY reject it.
            if !contentLengths.isEmpty { throw RequestError(.contentLengthWithTransferEncoding) }
            try checkTransferCodings(transferEncodings)
            return .chunked
        }
        if contentLengths.isEmpty { return .none }
        let length = try contentLength(contentLengths)
        if length > limits.maxBodyBytes { throw RequestError(.bodyTooLarge) }
        return .length(length)
    }

    /// RFC 9112 §6.3 (4): "If a Transfer-Encoding header field is present in a request and the
    /// chunked transfer coding is not the final encoding, ... the server MUST respond with the 400
    /// (Bad Request) status code and then close the connection." §6.1: chunked MUST NOT be applied
    /// more than once, and a coding the server does not understand SHOULD get 501.
    static func checkTransferCodings(_ values: [String]) throws(RequestError) {
        var codings: [Substring] = []
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let coding = element.trimmingWhitespace()
                // RFC 9110 §5.6.1: recipients ignore empty list elements.
                if coding.isEmpty { continue }
                guard coding.utf8.allSatisfy(ASCII.isTokenChar) else { throw RequestError(.malformedTransferEncoding) }
                codings.append(coding)
            }
        }
        guard let last = codings.last else { throw RequestError(.malformedTransferEncoding) }
        guard ASCII.equalsIgnoringCase(String(last), "chunked") else { throw RequestError(.chunkedNotFinal) }
        if codings.dropLast().contains(where: { ASCII.equalsIgnoringCase(String($0), "chunked") }) {
            throw RequestError(.malformedTransferEncoding)
        }
        if codings.count > 1 { throw RequestError(.unsupportedTransferCoding) }
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6). A list of identical values ("42, 42", or the same
    /// value on two lines) MAY be accepted; anything else is an "unrecoverable error" answered 400
    /// (RFC 9112 §6.3 (5)). Values are compared as numbers without leading zeros.
    static func contentLength(_ values: [String]) throws(RequestError) -> Int {
        var digits: Substring?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let number = element.trimmingWhitespace()
                guard !number.isEmpty, number.utf8.allSatisfy(ASCII.isDigit) else {
                    throw RequestError(.malformedContentLength)
                }
                let significant = number.drop { $0 == "0" }
                if let digits, digits != significant { throw RequestError(.conflictingContentLength) }
                digits = significant
            }
        }
        guard let digits else { throw RequestError(.malformedContentLength) }
        // Eighteen digits cannot overflow Int; anything longer is over every body limit anyway.
        if digits.utf8.count > 18 { return Int.max }
        return Int(digits) ?? 0
    }
}
