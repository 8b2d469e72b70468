import Testing
@testable import WebSocket

/// `receive` returns one event per call and never calls back: the caller answers each event
/// into the same output before asking for the next, so the wire keeps causal order.
@Suite struct ReceiveLoopTests {
    @Test func returnsOneEventPerCallAndNilOnceTheInputIsUsed() {
        let connection = makeConnection()
        var output: [UInt8] = []
        let first = text("first"), second = text("second")
        let input = first + second
        input.withUnsafeBytes { bytes in
            var offset = 0
            let a = connection.receive(bytes, from: &offset, now: t0, output: &output).map(Recorded.init)
            #expect(a == .text("first"))
            #expect(offset == first.count, "stops right after the message it returns")
            let b = connection.receive(bytes, from: &offset, now: t0, output: &output).map(Recorded.init)
            #expect(b == .text("second"))
            #expect(connection.receive(bytes, from: &offset, now: t0, output: &output).map(Recorded.init) == nil)
            #expect(offset == input.count)
        }
        #expect(output.isEmpty)
    }

    @Test func aMessageStaysReadableUntilTheNextCall() {
        let connection = makeConnection()
        var output: [UInt8] = []
        let input = text("kept") + clientFrame(0x9, [7])
        input.withUnsafeBytes { bytes in
            var offset = 0
            guard case .text(let payload) = connection.receive(bytes, from: &offset, now: t0, output: &output) else {
                Issue.record("expected a text message")
                return
            }
            // Something else happens before the caller is done with the message: it is intact.
            connection.send(text: "reply", output: &output)
            #expect(Array(payload) == Array("kept".utf8))
            #expect(connection.receive(bytes, from: &offset, now: t0, output: &output).map(Recorded.init) == nil)
        }
    }

    @Test func answersGoOutBetweenTheFramesTheConnectionWritesItself() {
        let connection = makeConnection()
        var output: [UInt8] = []
        let input = text("a") + clientFrame(0x9, [1]) + text("b") + clientFrame(0x8, [0x03, 0xE8])
        input.withUnsafeBytes { bytes in
            var offset = 0
            while let event = connection.receive(bytes, from: &offset, now: t0, output: &output) {
                if case .text(let payload) = event { connection.send(text: payload, output: &output) }
            }
        }
        // Echo of "a", the pong, echo of "b", the Close echo: in the order the input asked for them.
        #expect(output == [0x81, 0x01, 0x61, 0x8A, 0x01, 0x01, 0x81, 0x01, 0x62, 0x88, 0x02, 0x03, 0xE8])
        #expect(connection.isClosed)
    }

    @Test func aTimerThatEndsTheConnectionSaysSo() {
        let connection = makeConnection(WebSocketServerConfig(pingInterval: .seconds(25), pongTimeout: .seconds(20)))
        var output: [UInt8] = []
        #expect(connection.timerFired(now: t0 + .seconds(25), output: &output).map(Recorded.init) == nil)
        #expect(output == [0x89, 0x00])
        output.removeAll()
        let ended = connection.timerFired(now: t0 + .seconds(45), output: &output).map(Recorded.init)
        #expect(ended == .closed(code: 1011, reason: "pong timeout", initiatedByPeer: false))
    }
}
