import Testing
@testable import WebSocket

@Suite struct TimerTests {
    @Test func pingAfterSilenceThenPongTimeout() {
        let connection = makeConnection()
        var output: [UInt8] = []
        var events: [Recorded] = []
        #expect(connection.nextDeadline == t0 + .seconds(25))
        connection.timerFired(now: t0 + .seconds(24), output: &output).map { events.append(Recorded($0)) }
        #expect(output.isEmpty)
        connection.timerFired(now: t0 + .seconds(25), output: &output).map { events.append(Recorded($0)) }
        #expect(output == [0x89, 0x00])
        #expect(connection.nextDeadline == t0 + .seconds(45))
        output.removeAll()
        connection.timerFired(now: t0 + .seconds(45), output: &output).map { events.append(Recorded($0)) }
        #expect(output == [0x88, 0x0E, 0x03, 0xF3] + Array("pong timeout".utf8))
        #expect(events == [.closed(code: 1011, reason: "pong timeout", initiatedByPeer: false)])
        #expect(connection.isClosed)
        #expect(connection.nextDeadline == nil)
    }

    @Test func pongClearsTheDeadline() {
        let connection = makeConnection()
        var output: [UInt8] = []
        var events: [Recorded] = []
        connection.timerFired(now: t0 + .seconds(25), output: &output).map { events.append(Recorded($0)) }
        let pong = clientFrame(0xA, [])
        pong.withUnsafeBytes { connection.receiveEach($0, now: t0 + .seconds(30), output: &output) { events.append(Recorded($0)) } }
        #expect(events == [.pong])
        #expect(connection.nextDeadline == t0 + .seconds(55))
        connection.timerFired(now: t0 + .seconds(45), output: &output).map { events.append(Recorded($0)) }
        #expect(!connection.isClosed)
    }

    @Test func trafficPostponesThePing() {
        let connection = makeConnection()
        var output: [UInt8] = []
        text("hi").withUnsafeBytes { connection.receiveEach($0, now: t0 + .seconds(20), output: &output) { _ in } }
        #expect(connection.nextDeadline == t0 + .seconds(45))
        _ = connection.timerFired(now: t0 + .seconds(25), output: &output)
        #expect(output.isEmpty)
    }

    @Test func pingsDisabled() {
        let connection = makeConnection(WebSocketServerConfig(pingInterval: nil))
        #expect(connection.nextDeadline == nil)
        var output: [UInt8] = []
        _ = connection.timerFired(now: t0 + .seconds(1000), output: &output)
        #expect(output.isEmpty)
    }

    @Test func closeTimeout() {
        let connection = makeConnection(WebSocketServerConfig(closeTimeout: .seconds(3)))
        var output: [UInt8] = []
        var events: [Recorded] = []
        connection.close(code: 1000, reason: "", now: t0 + .seconds(1), output: &output)
        #expect(connection.nextDeadline == t0 + .seconds(4))
        connection.timerFired(now: t0 + .seconds(3), output: &output).map { events.append(Recorded($0)) }
        #expect(events.isEmpty)
        connection.timerFired(now: t0 + .seconds(4), output: &output).map { events.append(Recorded($0)) }
        #expect(events == [.closed(code: 1000, reason: "", initiatedByPeer: false)])
        #expect(connection.isClosed)
        #expect(output == serverClose(1000))
    }

    /// The pong wait and the close wait share one stored instant: a close started while a ping is
    /// unanswered replaces the pong wait, and a pong that arrives while closing ends nothing.
    @Test func aPongWhileClosingLeavesTheCloseTimeoutInPlace() {
        let connection = makeConnection(WebSocketServerConfig(closeTimeout: .seconds(3)))
        var output: [UInt8] = []
        var events: [Recorded] = []
        connection.timerFired(now: t0 + .seconds(25), output: &output).map { events.append(Recorded($0)) }
        #expect(connection.nextDeadline == t0 + .seconds(45), "waiting for the pong")
        connection.close(code: 1000, reason: "", now: t0 + .seconds(26), output: &output)
        #expect(connection.nextDeadline == t0 + .seconds(29), "now waiting for the Close's answer, not the pong")
        let pong = clientFrame(0xA, [])
        pong.withUnsafeBytes { connection.receiveEach($0, now: t0 + .seconds(27), output: &output) { events.append(Recorded($0)) } }
        #expect(events.isEmpty)
        #expect(connection.nextDeadline == t0 + .seconds(29))
        connection.timerFired(now: t0 + .seconds(29), output: &output).map { events.append(Recorded($0)) }
        #expect(events == [.closed(code: 1000, reason: "", initiatedByPeer: false)])
        #expect(connection.isClosed && connection.nextDeadline == nil)
    }
}

/// Every open WebSocket keeps these: their sizes decide glibc's size classes (docs/benchmarks.md,
/// idle memory per connection), so a new field that pushes one into the next class shows here.
@Suite struct PerConnectionSizeTests {
    @Test func theParserStaysInItsSizeClass() {
        // glibc's 192-byte chunk holds 184 bytes; 185 would take a 208-byte one.
        #expect(MemoryLayout<FrameReader>.size <= 184)
    }
}
