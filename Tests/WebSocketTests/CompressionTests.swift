import Deflate
import Testing
import MingleTestSupport
@testable import WebSocket

@Suite struct CompressionTests {
    // RFC 7692 §7.2.3.1: "Hello" compressed is f2 48 cd c9 c9 07 00.
    static let helloDeflated: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]

    @Test func compressedHelloEveryWay() {
        let (result, consistent) = runAllSplits(clientFrame(0x1, Self.helloDeflated, rsv: 4), deflate: defaultDeflate)
        #expect(consistent)
        #expect(result.events == [.text("Hello")])
    }

    @Test func sendCompressesKnownAnswer() {
        let connection = makeConnection(WebSocketServerConfig(compression: PerMessageDeflatePolicy()), deflate: defaultDeflate)
        var out: [UInt8] = []
        #expect(connection.compressesOutbound)
        connection.send(text: "Hello", output: &out)
        connection.send(text: "Hello", output: &out)
        // server_no_context_takeover: both messages compress alike.
        #expect(out == [0xC1, 0x07] + Self.helloDeflated + [0xC1, 0x07] + Self.helloDeflated)
    }

    @Test func smallMessagesMayStayUncompressed() {
        let policy = PerMessageDeflatePolicy(minimumMessageBytesToCompress: 6)
        let connection = makeConnection(WebSocketServerConfig(compression: policy), deflate: defaultDeflate)
        var out: [UInt8] = []
        connection.send(text: "Hello", output: &out)
        connection.send(text: "Hello!", output: &out)
        #expect(Array(out.prefix(7)) == [0x81, 0x05] + Array("Hello".utf8))
        #expect(out[7] == 0xC1)
    }

    // §7.2.3.2: with context takeover the second "Hello" refers back to the first.
    @Test func clientContextTakeover() {
        let input = clientFrame(0x1, Self.helloDeflated, rsv: 4) + clientFrame(0x1, [0xF2, 0x00, 0x11, 0x00, 0x00], rsv: 4)
        let (result, consistent) = runAllSplits(input, deflate: defaultDeflate)
        #expect(consistent)
        #expect(result.events == [.text("Hello"), .text("Hello")])
    }

    // §7.2.3.3 (stored block), §7.2.3.4 (BFINAL), §7.2.3.5 (two blocks), §7.2.3.6 (empty).
    @Test(arguments: [
        [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00],
        [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00],
        [0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00],
    ] as [[UInt8]])
    func rfcExamples(_ payload: [UInt8]) {
        let input = clientFrame(0x1, payload, rsv: 4) + clientFrame(0x1, Self.helloDeflated, rsv: 4)
        let result = run(input, deflate: defaultDeflate)
        #expect(result.events == [.text("Hello"), .text("Hello")])
    }

    @Test func emptyCompressedMessage() {
        #expect(run(clientFrame(0x2, [0x00], rsv: 4), deflate: defaultDeflate).events == [.binary([])])
    }

    // A compressor with nothing to flush sends an empty payload; the stream must stay usable.
    @Test func emptyCompressedPayloadKeepsTheStream() {
        let input = clientFrame(0x1, Self.helloDeflated, rsv: 4) + clientFrame(0x1, [], rsv: 4)
            + clientFrame(0x1, [0xF2, 0x00, 0x11, 0x00, 0x00], rsv: 4)
        let (result, consistent) = runAllSplits(input, deflate: defaultDeflate)
        #expect(consistent)
        #expect(result.events == [.text("Hello"), .text(""), .text("Hello")])
    }

    @Test func fragmentedCompressedMessage() {
        let payload = Self.helloDeflated
        let input = clientFrame(0x1, Array(payload[..<3]), fin: false, rsv: 4) + clientFrame(0x9, [7])
            + clientFrame(0x0, Array(payload[3...]))
        let (result, consistent) = runAllSplits(input, deflate: defaultDeflate)
        #expect(consistent)
        #expect(result.events == [.text("Hello")])
        #expect(result.output == [0x8A, 0x01, 7])
    }

    @Test func uncompressedMessageOnDeflateConnection() {
        #expect(run(text("plain"), deflate: defaultDeflate).events == [.text("plain")])
    }

    // RFC 7692 §6.1: RSV1 only on the first frame of a data message.
    @Test func compressionBitOnContinuation() {
        let result = run(clientFrame(0x1, [0xF2], fin: false, rsv: 4) + clientFrame(0x0, [0x48], rsv: 4), deflate: defaultDeflate)
        #expect(result.output == serverClose(1002))
    }

    @Test func compressionBitOnControlFrame() {
        #expect(run(clientFrame(0x9, [], rsv: 4), deflate: defaultDeflate).output == serverClose(1002))
    }

    @Test func rsv2StillRejectedWithDeflate() {
        #expect(run(clientFrame(0x1, [0x61], rsv: 2), deflate: defaultDeflate).output == serverClose(1002))
    }

    @Test func corruptDeflateData() {
        let result = run(clientFrame(0x2, [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x11], rsv: 4), deflate: defaultDeflate)
        #expect(result.output == serverClose(1007))
        #expect(result.state == .closed)
    }

    @Test func invalidUTF8InsideCompressedText() throws {
        let deflater = try Deflater()
        var payload: [UInt8] = []
        ([0x61, 0x62, 0xFF, 0x63] as [UInt8]).withUnsafeBytes { deflater.compressMessage($0, appendingTo: &payload) }
        #expect(run(clientFrame(0x1, payload, rsv: 4), deflate: defaultDeflate).output == serverClose(1007))
    }

    // A 16 MiB bomb in one small frame: the connection fails with 1009 having stored at most
    // the limit + 1 bytes.
    @Test func decompressionBombStopsAtLimit() throws {
        let deflater = try Deflater(level: 9, windowBits: 15, memoryLevel: 9)
        var bomb: [UInt8] = []
        [UInt8](repeating: 0, count: 16 * 1024 * 1024).withUnsafeBytes { deflater.compressMessage($0, appendingTo: &bomb) }
        #expect(bomb.count < 20 * 1024)
        let config = WebSocketServerConfig(maxMessageBytes: 64 * 1024)
        let connection = makeConnection(config, deflate: defaultDeflate)
        var output: [UInt8] = []
        var events: [Recorded] = []
        var peakCapacity = 0
        let frame = clientFrame(0x2, bomb, rsv: 4)
        frame.withUnsafeBytes { all in
            var offset = 0
            while offset < frame.count {
                let n = min(1000, frame.count - offset)
                connection.receiveEach(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]), now: t0, output: &output) {
                    events.append(Recorded($0))
                }
                peakCapacity = max(peakCapacity, connection.readerStorage.pointee.message.capacity)
                offset += n
            }
        }
        #expect(output == serverClose(1009))
        #expect(events == [.closed(code: 1009, reason: "", initiatedByPeer: false)])
        #expect(peakCapacity <= config.maxMessageBytes + 1)
    }

    @Test func bombSpreadOverFragments() throws {
        let deflater = try Deflater()
        var bomb: [UInt8] = []
        [UInt8](repeating: 0x61, count: 200_000).withUnsafeBytes { deflater.compressMessage($0, appendingTo: &bomb) }
        let half = bomb.count / 2
        let input = clientFrame(0x1, Array(bomb[..<half]), fin: false, rsv: 4) + clientFrame(0x0, Array(bomb[half...]))
        let result = run(input, config: WebSocketServerConfig(maxMessageBytes: 100_000), deflate: defaultDeflate)
        #expect(result.output == serverClose(1009))
    }

    @Test func messageExactlyAtLimitAfterInflation() throws {
        let deflater = try Deflater()
        let message = [UInt8](repeating: 0x62, count: 50_000)
        var payload: [UInt8] = []
        message.withUnsafeBytes { deflater.compressMessage($0, appendingTo: &payload) }
        let config = WebSocketServerConfig(maxMessageBytes: 50_000)
        #expect(run(clientFrame(0x2, payload, rsv: 4), config: config, deflate: defaultDeflate).events == [.binary(message)])
        let smaller = WebSocketServerConfig(maxMessageBytes: 49_999)
        #expect(run(clientFrame(0x2, payload, rsv: 4), config: smaller, deflate: defaultDeflate).output == serverClose(1009))
    }

    @Test func roundTripThroughBothEnds() throws {
        // A client compressing with context takeover; the server inflating and echoing compressed.
        let client = try Deflater(level: 6, windowBits: 15, memoryLevel: 8)
        let serverSide = makeConnection(WebSocketServerConfig(compression: PerMessageDeflatePolicy()), deflate: defaultDeflate)
        let clientInflater = try Inflater(windowBits: 12)
        var rng = SplitMix64(seed: 7)
        for round in 0..<50 {
            let words = ["alpha", "beta", "gamma", "{\"type\":\"chat\"}", "é€", " "]
            let text = (0..<Int.random(in: 1...300, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined()
            var payload: [UInt8] = []
            Array(text.utf8).withUnsafeBytes { client.compressMessage($0, appendingTo: &payload) }
            var output: [UInt8] = []
            var replies: [UInt8] = []
            var received: [Recorded] = []
            clientFrame(0x1, payload, rsv: 4).withUnsafeBytes { bytes in
                serverSide.receiveEach(bytes, now: t0, output: &output) { event in
                    received.append(Recorded(event))
                    if case .text(let b) = event { serverSide.send(text: b, output: &replies) }
                }
            }
            #expect(received == [.text(text)], "round \(round)")
            #expect(replies[0] == 0xC1)
            // Decode the reply as a client would.
            let headerLength = replies[1] < 126 ? 2 : 4
            var decoded: [UInt8] = []
            try (Array(replies[headerLength...]) + Inflater.messageTail).withUnsafeBytes {
                try clientInflater.inflate($0, appendingTo: &decoded, limitBytes: 1 << 20)
            }
            clientInflater.reset()
            #expect(decoded == Array(text.utf8))
        }
    }
}
