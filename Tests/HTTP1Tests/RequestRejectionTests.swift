import Testing
@testable import HTTP1

/// One case per rule the parser enforces: the exact error, the exact status, the same answer at
/// every split, and a reply that closes the connection.
struct RejectionCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: [UInt8]
    var kind: RequestError.Kind
    var status: Int

    init(_ name: String, _ input: String, _ kind: RequestError.Kind, _ status: Int) {
        self.name = name
        self.input = bytes(input)
        self.kind = kind
        self.status = status
    }

    var testDescription: String { name }
}

let longTarget = "/" + String(repeating: "a", count: 8200)
let longValue = String(repeating: "v", count: 8200)
let manyHeaders = (0..<65).map { "X-\($0): v\r\n" }.joined()
let bigHead = (0..<3).map { "X-\($0): \(String(repeating: "v", count: 6000))\r\n" }.joined()
let bigTrailer = (0..<3).map { "T-\($0): \(String(repeating: "v", count: 6000))\r\n" }.joined()
let chunkedHead = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

let rejectionCases: [RejectionCase] = [
    // Request line, RFC 9112 §3.
    .init("two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine, 400),
    .init("tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine, 400),
    .init("four parts", "GET / x HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine, 400),
    .init("HTTP/0.9 line", "GET /\r\n\r\n", .malformedRequestLine, 400),
    .init("method not a token", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod, 400),
    .init("relative target", "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
    .init("fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
    .init("control byte in target", "GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
    .init("asterisk for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
    .init("authority form", "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
    .init("lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n", .malformedVersion, 400),
    .init("two-digit minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", .malformedVersion, 400),
    .init("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion, 505),
    .init("HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", .unsupportedVersion, 505),
    .init("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", .unsupportedVersion, 505),
    .init("request line too long", "GET \(longTarget) HTTP/1.1\r\nHost: a\r\n\r\n", .requestLineTooLong, 414),
    // Line endings, RFC 9112 §2.2.
    .init("bare LF after request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", .bareLineFeed, 400),
    .init("bare LF after a field", "GET / HTTP/1.1\r\nHost: a\n\r\n", .bareLineFeed, 400),
    .init("bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLineFeed, 400),
    .init("bare LF before request", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareLineFeed, 400),
    .init("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", .invalidHeaderValue, 400),
    // Fields, RFC 9112 §5 and RFC 9110 §5.5.
    .init("whitespace after start line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", .whitespaceAfterStartLine, 400),
    .init("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", .obsoleteLineFolding, 400),
    .init("obs-fold with tab", "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n\tc\r\n\r\n", .obsoleteLineFolding, 400),
    .init("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", .whitespaceBeforeColon, 400),
    .init("tab before colon", "GET / HTTP/1.1\r\nHost: a\r\nX\t: b\r\n\r\n", .whitespaceBeforeColon, 400),
    .init("no colon", "GET / HTTP/1.1\r\nHost: a\r\nGarbage\r\n\r\n", .invalidHeaderName, 400),
    .init("empty name", "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", .invalidHeaderName, 400),
    .init("name not a token", "GET / HTTP/1.1\r\nHost: a\r\nX(y): b\r\n\r\n", .invalidHeaderName, 400),
    .init("NUL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", .invalidHeaderValue, 400),
    .init("DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{7F}\r\n\r\n", .invalidHeaderValue, 400),
    .init("header line too long", "GET / HTTP/1.1\r\nHost: a\r\nX: \(longValue)\r\n\r\n", .headerLineTooLong, 431),
    .init("too many headers", "GET / HTTP/1.1\r\n\(manyHeaders)Host: a\r\n\r\n", .tooManyHeaders, 431),
    .init("head too large", "GET / HTTP/1.1\r\nHost: a\r\n\(bigHead)\r\n", .headTooLarge, 431),
    // Host, RFC 9112 §3.2.
    .init("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost, 400),
    .init("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", .duplicateHost, 400),
    .init("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost, 400),
    .init("Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost, 400),
    // Framing, RFC 9112 §6.
    .init(
        "Content-Length and Transfer-Encoding",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        .contentLengthWithTransferEncoding, 400
    ),
    .init(
        "Transfer-Encoding and Content-Length",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n",
        .contentLengthWithTransferEncoding, 400
    ),
    .init(
        "two different Content-Length fields",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        .conflictingContentLength, 400
    ),
    .init("Content-Length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\nab", .conflictingContentLength, 400),
    .init("signed Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na", .malformedContentLength, 400),
    .init("negative Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .malformedContentLength, 400),
    .init("hex Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x1\r\n\r\na", .malformedContentLength, 400),
    .init("empty Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", .malformedContentLength, 400),
    .init("Content-Length empty element", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,\r\n\r\na", .malformedContentLength, 400),
    .init(
        "Content-Length over the body limit",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", .bodyTooLarge, 413
    ),
    .init(
        "Content-Length past Int",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", .bodyTooLarge, 413
    ),
    .init("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .transferEncodingInHTTP10, 400),
    .init("gzip only", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal, 400),
    .init("chunked not last", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .chunkedNotFinal, 400),
    .init("chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .malformedTransferEncoding, 400),
    .init(
        "chunked on two lines",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        .malformedTransferEncoding, 400
    ),
    .init("coding with parameters", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", .malformedTransferEncoding, 400),
    .init("empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", .malformedTransferEncoding, 400),
    .init("gzip then chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding, 501),
    // Chunked body, RFC 9112 §7.1.
    .init("chunk size not hex", chunkedHead + "zz\r\n", .invalidChunkSize, 400),
    .init("chunk size with 0x", chunkedHead + "0x5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize, 400),
    .init("negative chunk size", chunkedHead + "-1\r\n", .invalidChunkSize, 400),
    .init("empty chunk size", chunkedHead + "\r\n", .invalidChunkSize, 400),
    .init("space after chunk size", chunkedHead + "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkExtension, 400),
    .init("extension without name", chunkedHead + "5;=x\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension, 400),
    .init("unterminated quoted extension", chunkedHead + "5;a=\"x\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension, 400),
    .init("bare LF after chunk size", chunkedHead + "5\nhello\r\n0\r\n\r\n", .bareLineFeed, 400),
    .init("chunk longer than its size", chunkedHead + "3\r\nhello\r\n0\r\n\r\n", .missingChunkDataTerminator, 400),
    .init("chunk data then LF only", chunkedHead + "5\r\nhello\n0\r\n\r\n", .missingChunkDataTerminator, 400),
    .init(
        "chunk line too long", chunkedHead + "5;" + String(repeating: "a", count: 1100) + "\r\nhello\r\n0\r\n\r\n",
        .chunkLineTooLong, 400
    ),
    .init("chunk over the body limit", chunkedHead + "100001\r\n", .bodyTooLarge, 413),
    .init("chunk size past Int", chunkedHead + "fffffffffffffffffffffff\r\n", .bodyTooLarge, 413),
    .init("invalid trailer", chunkedHead + "0\r\nBad Trailer\r\n\r\n", .invalidTrailer, 400),
    .init("trailer too large", chunkedHead + "0\r\n\(bigTrailer)\r\n", .trailerTooLarge, 431),
]

@Suite struct RequestRejectionTests {
    @Test(arguments: rejectionCases)
    func rejects(_ rejection: RejectionCase) throws {
        let whole = Feed.whole(rejection.input)
        let error = try #require(whole.error)
        #expect(error.kind == rejection.kind)
        #expect(error.status == rejection.status)
        #expect(Feed.byteByByte(rejection.input) == whole)
        for pieces in Feed.splits(rejection.input, samples: 50) {
            let split = Feed.chunks(pieces)
            #expect(split == whole, "split at \(pieces[0].count)")
            if split != whole { break }
        }
        let reason = HTTPStatus.reasonPhrase(for: rejection.status)
        let page = "\(rejection.status) \(reason)\n"
        #expect(String(bytes: error.responseBytes) ==
            "HTTP/1.1 \(rejection.status) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\n" +
            "Connection: close\r\nContent-Length: \(page.utf8.count)\r\n\r\n\(page)")
    }

    @Test func replyBytesAreExact() {
        #expect(String(bytes: RequestError(.obsoleteLineFolding).responseBytes) ==
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n" +
            "Content-Length: 16\r\n\r\n400 Bad Request\n")
        #expect(String(bytes: RequestError(.headerLineTooLong).responseBytes) ==
            "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n" +
            "Connection: close\r\nContent-Length: 36\r\n\r\n431 Request Header Fields Too Large\n")
    }

    /// A smuggling attempt never yields a second head, whatever the splits.
    @Test func smuggledRequestIsNeverParsedAsTwo() {
        let attack = bytes(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n" +
                "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n"
        )
        let outcome = Feed.whole(attack)
        #expect(outcome.heads.isEmpty)
        #expect(outcome.error?.kind == .contentLengthWithTransferEncoding)
    }
}
