import Testing
@testable import HTTP1

@Suite struct ChunkedBodyTests {
    static let head = "POST /api HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

    static func body(of text: String) -> (body: [UInt8], events: [RequestEvent], error: RequestError?) {
        let outcome = Feed.whole(bytes(text))
        let body = outcome.events.compactMap { if case .body(let piece) = $0 { piece } else { nil } }.joined()
        return (Array(body), outcome.events, outcome.error)
    }

    @Test func decodesChunksWithExtensionsAndTrailers() {
        let input = Self.head +
            "4;name=value\r\nWiki\r\n" +
            "5 ; a ; b = \"quoted; \\\"x\\\"\"\r\npedia\r\n" +
            "E;token=abc\r\n in\r\n\r\nchunks.\r\n" +
            "000;last\r\nExpires: never\r\nX-Checksum: 12\r\n\r\n"
        let result = Self.body(of: input)
        #expect(result.error == nil)
        #expect(result.body == bytes("Wikipedia in\r\n\r\nchunks."))
        #expect(result.events.last == .end)
        #expect(result.events.count == 3)
    }

    @Test func uppercaseHexAndLeadingZeros() {
        let result = Self.body(of: Self.head + "0000A\r\n0123456789\r\n0\r\n\r\n")
        #expect(result.body == bytes("0123456789"))
        #expect(result.error == nil)
    }

    @Test func emptyChunkedBody() {
        let result = Self.body(of: Self.head + "0\r\n\r\n")
        #expect(result.events.count == 2)
        #expect(result.error == nil)
    }

    @Test func chunkedBodyThenPipelinedRequest() {
        let outcome = Feed.whole(bytes(Self.head + "3\r\nabc\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.target) == ["/api", "/next"])
        #expect(outcome.events.count == 5)
    }

    @Test func everySplitDecodesTheSameBody() {
        let input = bytes(Self.head + "4;x=\"a,b\"\r\nWiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\n")
        let whole = Feed.whole(input)
        #expect(whole.error == nil)
        #expect(Feed.byteByByte(input) == whole)
        for pieces in Feed.splits(input) {
            #expect(Feed.chunks(pieces) == whole)
        }
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        let exact = Feed.whole(bytes(Self.head + "6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n"), limits: limits)
        #expect(exact.error == nil)
        let over = Feed.whole(bytes(Self.head + "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n"), limits: limits)
        #expect(over.error?.kind == .bodyTooLarge)
        // Refused when the size line arrives, before the data is read.
        #expect(over.events.count == 2)
    }

    @Test func contentLengthBodyIsStreamedInPieces() throws {
        var parser = RequestParser()
        parser.append(bytes("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc"))
        #expect(try parser.next().map { if case .head = $0 { true } else { false } } == true)
        #expect(try parser.next() == .body(bytes("abc")))
        #expect(try parser.next() == nil)
        parser.append(bytes("defGET"))
        #expect(try parser.next() == .body(bytes("def")))
        #expect(try parser.next() == .end)
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 3)
    }
}
