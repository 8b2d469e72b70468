import Testing
@testable import HTTP1

@Suite struct RequestParserTests {
    static let upgradeRequest = bytes(
        "GET /ws?room=7 HTTP/1.1\r\nHost: mingle.example:8443\r\nUpgrade: websocket\r\n" +
            "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\nOrigin: https://mingle.example\r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r\n" +
            "Accept-Language: en-GB,en;q=0.9\r\n\r\n"
    )

    static let samples: [[UInt8]] = [
        bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        upgradeRequest,
        bytes("POST /api/events HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n{\"a\":[1,2]}"),
        bytes("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;x=1\r\nWiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\n"),
        bytes("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.0\r\n\r\n"),
        bytes("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        bytes("GET / HTTP/1.1\r\nHost: a\r\nX: caf\u{E9}\r\n\r\n"),
    ]

    @Test func parsesASimpleGet() throws {
        var parser = RequestParser()
        parser.append(bytes("GET /index.html?x=1&y HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"))
        guard case .head(let head)? = try parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(head.method == "GET")
        #expect(head.target == "/index.html?x=1&y")
        #expect(head.path == "/index.html")
        #expect(head.query == "x=1&y")
        #expect(head.versionMajor == 1 && head.versionMinor == 1)
        #expect(head.headers["host"] == "example.com")
        #expect(head.headers.count == 2)
        #expect(head.keepAlive)
        #expect(!head.isUpgrade)
        #expect(try parser.next() == .end)
        #expect(try parser.next() == nil)
    }

    @Test func upgradeRequestHead() throws {
        let outcome = Feed.whole(Self.upgradeRequest)
        #expect(outcome.error == nil)
        let head = try #require(outcome.heads.first)
        #expect(head.isUpgrade)
        #expect(head.path == "/ws" && head.query == "room=7")
        #expect(head.headers["sec-websocket-key"] == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(head.headers["Sec-WebSocket-Extensions"] == "permessage-deflate; client_max_window_bits")
        #expect(outcome.events.count == 2)
    }

    @Test(arguments: 0..<samples.count)
    func sameEventsWholeByteByByteAndAtEverySplit(sample: Int) {
        let input = Self.samples[sample]
        let whole = Feed.whole(input)
        #expect(whole.error == nil)
        #expect(Feed.byteByByte(input) == whole)
        for pieces in Feed.splits(input) {
            let split = Feed.chunks(pieces)
            #expect(split == whole, "split at \(pieces[0].count)")
            if split != whole { break }
        }
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let outcome = Feed.whole(Self.samples[4])
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.target) == ["/1", "/2", "/3"])
        #expect(outcome.events.count == 7)
        #expect(outcome.events[3] == .body(bytes("hi")))
        #expect(outcome.heads[2].versionMinor == 0)
        #expect(!outcome.heads[2].keepAlive)
    }

    @Test func bytesAfterAnUpgradeHeadAreHandedOverExactly() throws {
        let frame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        let input = Self.upgradeRequest + frame
        for cut in 0...input.count {
            var parser = RequestParser()
            var handedOver: [UInt8]?
            var late: [UInt8] = []
            for piece in [Array(input[..<cut]), Array(input[cut...])] {
                if handedOver != nil {
                    late += piece
                    continue
                }
                parser.append(piece)
                while let event = try parser.next() {
                    if case .head(let head) = event, head.isUpgrade {
                        handedOver = parser.takeUnparsedBytes()
                        break
                    }
                }
            }
            #expect(try parser.next() == nil)
            #expect(handedOver.map { $0 + late } == frame, "cut at \(cut)")
        }
    }

    @Test func bytesCanAlsoBeTakenAfterTheEndOfTheUpgradeRequest() throws {
        var parser = RequestParser()
        parser.append(Self.upgradeRequest + [0x88, 0x80, 1, 2, 3, 4])
        guard case .head? = try parser.next() else {
            Issue.record("expected a head")
            return
        }
        #expect(try parser.next() == .end)
        #expect(parser.takeUnparsedBytes() == [0x88, 0x80, 1, 2, 3, 4])
        parser.append([1, 2, 3])
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func keepAliveFollowsVersionAndConnection() {
        func head(_ text: String) -> HTTPRequestHead? { Feed.whole(bytes(text)).heads.first }
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n")?.keepAlive == true)
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")?.keepAlive == false)
        #expect(head("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepAlive == true)
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n")?.isUpgrade == false)
    }

    @Test func targetForms() {
        func head(_ text: String) -> HTTPRequestHead? { Feed.whole(bytes(text)).heads.first }
        let absolute = head("GET http://a.example:80/p/q?z HTTP/1.1\r\nHost: a.example\r\n\r\n")
        #expect(absolute?.path == "/p/q" && absolute?.query == "z")
        #expect(head("GET HTTPS://a.example HTTP/1.1\r\nHost: a\r\n\r\n")?.path == "/")
        #expect(head("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")?.path == "*")
        let emptyQuery = head("GET /a? HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(emptyQuery?.path == "/a" && emptyQuery?.query == "")
        #expect(head("GET /%2e%2e/a%20b HTTP/1.1\r\nHost: a\r\n\r\n")?.path == "/%2e%2e/a%20b")
    }

    @Test func identicalContentLengthsAreOneLength() {
        let outcome = Feed.whole(bytes(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 003\r\nContent-Length: 3\r\n\r\nabc"
        ))
        #expect(outcome.error == nil)
        #expect(outcome.events.dropFirst() == [.body(bytes("abc")), .end])
    }

    @Test func fieldValuesLoseSurroundingWhitespaceOnly() {
        let head = Feed.whole(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-A: \t a  b \t\r\nX-B:\r\n\r\n")).heads.first
        #expect(head?.headers["x-a"] == "a  b")
        #expect(head?.headers["X-B"] == "")
    }

    @Test func anErrorIsFinal() {
        var parser = RequestParser()
        parser.append(bytes("GET / HTTP/1.1\r\nHost : a\r\n\r\n"))
        #expect(throws: RequestError(.whitespaceBeforeColon)) { try parser.next() }
        parser.append(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(throws: RequestError(.whitespaceBeforeColon)) { try parser.next() }
    }

    @Test func linesExactlyAtTheirLimitsAreAccepted() {
        let limits = HTTPLimits()
        let target = "/" + String(repeating: "a", count: limits.maxRequestLineBytes - "GET  HTTP/1.1".utf8.count - 1)
        let line = "GET \(target) HTTP/1.1"
        #expect(line.utf8.count == limits.maxRequestLineBytes)
        let value = String(repeating: "v", count: limits.maxHeaderLineBytes - "X: ".utf8.count)
        #expect(Feed.whole(bytes("\(line)\r\nHost: a\r\n\r\n")).error == nil)
        #expect(Feed.whole(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: \(value)\r\n\r\n")).error == nil)
        // Both at their limits pass the head's: 8192 + 2 + 8192 + 2 + 9 + 2 > 16384.
        #expect(Feed.whole(bytes("\(line)\r\nHost: a\r\nX: \(value)\r\n\r\n")).error?.kind == .headTooLarge)
        #expect(Feed.whole(bytes("GET \(target)a HTTP/1.1\r\nHost: a\r\n\r\n")).error?.kind == .requestLineTooLong)
        #expect(Feed.whole(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: \(value)v\r\n\r\n")).error?.kind == .headerLineTooLong)
    }

    @Test func anEndlessHeaderLineIsRefusedOnceItPassesTheLimitNotBuffered() throws {
        var parser = RequestParser()
        parser.append(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long: "))
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
        var sent = 0
        var refused: RequestError?
        while sent < 1 << 20 && refused == nil {
            parser.append(piece)
            sent += piece.count
            do {
                _ = try parser.next()
            } catch {
                refused = error
            }
            #expect(parser.bufferedByteCount <= HTTPLimits().maxHeaderLineBytes + 2 * piece.count)
        }
        #expect(refused?.kind == .headerLineTooLong)
        #expect(sent <= HTTPLimits().maxHeaderLineBytes + piece.count)
    }

    @Test func emptyLinesBeforeARequestCountTowardTheHead() {
        let flood = Array(repeating: bytes("\r\n"), count: 10_000).flatMap { $0 }
        #expect(Feed.whole(flood).error?.kind == .headTooLarge)
    }
}
