import Testing
@testable import WebSocket

@Suite struct FrameParsingTests {
    // RFC 6455 §5.7: "A single-frame masked text message" containing "Hello".
    @Test func rfcMaskedHelloEveryWay() {
        let input: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        let (result, consistent) = runAllSplits(input)
        #expect(consistent)
        #expect(result.events == [.text("Hello")])
        #expect(result.output.isEmpty)
        #expect(result.state == .open)
    }

    // §5.7 ping / pong examples, masked as a client must.
    @Test func pingIsAnsweredWithSamePayload() {
        let (result, consistent) = runAllSplits(clientFrame(0x9, Array("Hello".utf8)))
        #expect(consistent)
        #expect(result.output == [0x8A, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(result.events.isEmpty)
    }

    @Test func maximalPingPayloadIsEchoed() {
        let payload = (0..<125).map { UInt8($0) }
        let result = run(clientFrame(0x9, payload))
        #expect(result.output == [0x8A, 125] + payload)
    }

    @Test func pongIsReported() {
        #expect(run(clientFrame(0xA, Array("Hello".utf8))).events == [.pong])
    }

    @Test func fragmentedMessageWithInterleavedPing() {
        let input = text("Hel", fin: false) + clientFrame(0x9, [1, 2]) + clientFrame(0x0, Array("lo".utf8), fin: false)
            + clientFrame(0x0, [], fin: false) + clientFrame(0x0, Array(" world".utf8))
        let (result, consistent) = runAllSplits(input)
        #expect(consistent)
        #expect(result.events == [.text("Hello world")])
        #expect(result.output == [0x8A, 0x02, 1, 2])
    }

    @Test func lengthEncodingsRoundTrip() {
        let config = WebSocketServerConfig(maxMessageBytes: 70_000)
        for count in [0, 1, 125, 126, 127, 65_535, 65_536, 70_000] {
            let payload = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let result = run(clientFrame(0x2, payload), config: config)
            #expect(result.events == [.binary(payload)], "length \(count)")
        }
    }

    @Test func utf8SplitAcrossFragmentsIsAccepted() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let input = clientFrame(0x1, [0x61, euro[0]], fin: false) + clientFrame(0x0, [euro[1]], fin: false) + clientFrame(0x0, [euro[2]])
        let (result, consistent) = runAllSplits(input)
        #expect(consistent)
        #expect(result.events == [.text([0x61] + euro)])
    }

    @Test func emptyMessages() {
        let (result, consistent) = runAllSplits(clientFrame(0x1, []) + clientFrame(0x2, []) + clientFrame(0x1, [], fin: false) + clientFrame(0x0, []))
        #expect(consistent)
        #expect(result.events == [.text([]), .binary([]), .text([])])
    }

    @Test func severalMessagesInOneRead() {
        let input = text("one") + text("two") + clientFrame(0x2, [0xFF]) + text("three")
        let (result, consistent) = runAllSplits(input)
        #expect(consistent)
        #expect(result.events == [.text("one"), .text("two"), .binary([0xFF]), .text("three")])
    }

    @Test func echoOfSmallTextFrameIsExact() {
        let connection = makeConnection()
        var output: [UInt8] = []
        var replies: [UInt8] = []
        let input = text("0123456789abcdef0123456789abcdef")
        input.withUnsafeBytes { bytes in
            connection.receiveEach(bytes, now: t0, output: &output) { event in
                if case .text(let payload) = event { connection.send(text: payload, output: &replies) }
            }
        }
        #expect(output.isEmpty)
        #expect(replies == [0x81, 32] + Array("0123456789abcdef0123456789abcdef".utf8))
    }

    // Autobahn 3.2 / 4.1.3 / 7.1.1 shapes: the echo of a message must precede the Close that follows it.
    @Test func repliesStayInCausalOrder() {
        let afterBadFrame = runAllSplits(text("Hello") + clientFrame(0x1, [0x61], rsv: 2) + clientFrame(0x9, []), echo: true)
        #expect(afterBadFrame.1)
        #expect(afterBadFrame.0.output == [0x81, 5] + Array("Hello".utf8) + serverClose(1002))
        let beforeClose = runAllSplits(clientFrame(0x9, [9]) + text("Hi") + clientFrame(0x8, [0x03, 0xE8]), echo: true)
        #expect(beforeClose.1)
        #expect(beforeClose.0.output == [0x8A, 1, 9, 0x81, 2] + Array("Hi".utf8) + serverClose(1000))
    }

    @Test func encodeFrameHeaders() {
        func header(_ count: Int) -> [UInt8] {
            var out: [UInt8] = []
            let payload = [UInt8](repeating: 7, count: count)
            payload.withUnsafeBytes { WebSocketConnection.encodeFrame(opcode: .binary, payload: $0, into: &out) }
            #expect(out.count == count + (count < 126 ? 2 : count <= 0xFFFF ? 4 : 10))
            return Array(out.prefix(count < 126 ? 2 : count <= 0xFFFF ? 4 : 10))
        }
        #expect(header(0) == [0x82, 0x00])
        #expect(header(125) == [0x82, 125])
        #expect(header(126) == [0x82, 126, 0x00, 126])
        #expect(header(65_535) == [0x82, 126, 0xFF, 0xFF])
        #expect(header(65_536) == [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func sendStringAndBinary() {
        let connection = makeConnection()
        var out: [UInt8] = []
        #expect(connection.send(text: "hé", output: &out))
        #expect(connection.send(binary: [1, 2, 3], output: &out))
        #expect(out == [0x81, 3, 0x68, 0xC3, 0xA9, 0x82, 3, 1, 2, 3])
        #expect(!connection.compressesOutbound)
    }
}
