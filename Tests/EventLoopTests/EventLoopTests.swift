#if canImport(Glibc)
import Glibc
#endif
import Testing
import MingleTestSupport
@testable import EventLoop

/// Echoes every byte; closes when the peer half-closes.
final class EchoHandler: ConnectionHandler {
    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {}
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        connection.write(bytes)
    }
    func connectionClosed(_ connection: Connection, error: SystemError?) {}
}

func startGroup(loops: Int = 1, host: String = "127.0.0.1", limits: ConnectionLimits = .init(),
                maxConnections: Int = 1000,
                handler: @escaping @Sendable () -> any ConnectionHandler = { EchoHandler() }) throws -> LoopGroup<Void> {
    var config = LoopGroupConfiguration()
    config.loops = loops
    config.limits = limits
    config.maxConnections = maxConnections
    config.listeners = [ListenerConfiguration(address: SocketAddress(host: host, port: 0)!, tag: "plain")]
    return try LoopGroup(configuration: config) { loop in
        loop.overloadReply = Array("busy\n".utf8)
        loop.makeHandler = { _ in handler() }
    }
}

extension LoopGroup {
    func shutdown() {
        stopNow()
        join()
    }

    /// Runs `body` on loop `index` and returns its result (blocks the test thread).
    func onLoop<T: Sendable>(_ index: Int = 0, _ body: @escaping @Sendable (EventLoop) -> T) -> T {
        let box = Locked<T?>(nil)
        let done = DispatchLikeSemaphore()
        handles[index].execute { loop in
            box.withLock { $0 = body(loop) }
            done.signal()
        }
        done.wait()
        return box.withLock { $0! }
    }
}

/// A tiny semaphore on a pthread condition, so tests wait for a state change rather than sleep.
final class DispatchLikeSemaphore: Sendable {
    private let state = Locked<Int>(0)
    func signal() { state.withLock { $0 += 1 } }
    func wait() {
        while state.withLock({ v -> Bool in if v > 0 { v -= 1; return true }; return false }) == false {
            sched_yield()
        }
    }
}

@Suite struct EventLoopTests {
    @Test func echoesBytesOverIPv4() throws {
        let group = try startGroup()
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        try client.send("hello loop")
        #expect(try client.receive(exactly: 10) == Array("hello loop".utf8))
    }

    @Test func echoesBytesOverIPv6() throws {
        let group = try startGroup(host: "::1")
        defer { group.shutdown() }
        let client = try BlockingClient(host: "::1", port: group.boundPorts[0])
        try client.send("v6")
        #expect(try client.receive(exactly: 2) == Array("v6".utf8))
    }

    @Test func largeWritesArriveWhole() throws {
        let group = try startGroup(loops: 2)
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        var payload = [UInt8](repeating: 0, count: 200_000)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 31) }
        // Send in a thread-free way: the echo comes back while we keep sending, so interleave.
        var received: [UInt8] = []
        var offset = 0
        while offset < payload.count {
            let end = min(offset + 16_384, payload.count)
            try client.send(Array(payload[offset..<end]))
            offset = end
            received += try client.receive(exactly: end - (received.count))
        }
        #expect(received == payload)
    }

    @Test func peerHalfCloseClosesConnection() throws {
        let group = try startGroup()
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        try client.send("bye")
        client.shutdownWrite()
        #expect(try client.receiveUntilClose() == Array("bye".utf8))
        #expect(group.onLoop { $0.connectionCount } == 0)
    }

    @Test func refusesConnectionsAboveTheLimit() throws {
        let group = try startGroup(maxConnections: 1)
        defer { group.shutdown() }
        let first = try BlockingClient(port: group.boundPorts[0])
        try first.send("x")
        _ = try first.receive(exactly: 1)
        let second = try BlockingClient(port: group.boundPorts[0])
        #expect(try second.receiveUntilClose() == Array("busy\n".utf8))
        try first.send("y")
        #expect(try first.receive(exactly: 1) == Array("y".utf8))
    }

    @Test func idleLoopDoesNotSpin() throws {
        let group = try startGroup()
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        try client.send("x")
        _ = try client.receive(exactly: 1)
        let before = group.onLoop { $0.passes }
        // Observe a quiet interval: an idle loop blocks in epoll_wait and makes no passes.
        usleep(300_000)
        let after = group.onLoop { $0.passes }
        #expect(after - before <= 2, "idle loop made \(after - before) passes in 300 ms")
    }
}
