#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import EventLoop

/// A poller whose readiness the test scripts: each `wait` records the timeout the loop asked for
/// and reports the next scripted batch of events.
final class ScriptedPoller: Poller {
    var interest: [Int32: UInt32] = [:]
    var timeouts: [Int32] = []
    var script: [[(token: UInt64, events: UInt32)]] = []

    /// Every registration change, in order: ("add" | "modify" | "remove", fd, mask).
    var calls: [(call: String, fd: Int32, mask: UInt32)] = []

    func add(_ target: Int32, token: UInt64, events mask: UInt32) throws(SystemError) {
        interest[target] = mask
        calls.append(("add", target, mask))
    }
    func modify(_ target: Int32, token: UInt64, events mask: UInt32) throws(SystemError) {
        interest[target] = mask
        calls.append(("modify", target, mask))
    }
    func remove(_ target: Int32) {
        interest[target] = nil
        calls.append(("remove", target, 0))
    }
    func wait(timeoutMilliseconds: Int32, _ body: (UInt64, UInt32) -> Void) throws(SystemError) {
        timeouts.append(timeoutMilliseconds)
        guard !script.isEmpty else { return }
        for event in script.removeFirst() { body(event.token, event.events) }
    }
}

/// Echoes, and counts the deadlines it is told about.
final class DeadlineRecorder: ConnectionHandler {
    var deadlinesReached: [ContinuousClock.Instant] = []
    var received: [UInt8] = []
    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {}
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        received += bytes
        connection.write(bytes)
    }
    func connectionDeadlineReached(_ connection: Connection, now: ContinuousClock.Instant) { deadlinesReached.append(now) }
    func connectionClosed(_ connection: Connection, error: SystemError?) {}
}

@Suite struct ScriptedPollerTests {
    /// A loop on a scripted poller with one connection over a socketpair; returns the peer's end.
    private func loopWithConnection() throws -> (EventLoop, ScriptedPoller, Connection, DeadlineRecorder, peer: Int32) {
        let poller = ScriptedPoller()
        let loop = try EventLoop(index: 0, inbox: try Inbox(), limits: ConnectionLimits(), maxConnections: 8, poller: poller)
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        let handler = DeadlineRecorder()
        let connection = try #require(loop.register(fd: fds[0], remote: nil, localPort: 0, tag: "test", now: .now,
                                                    connecting: false, handler: handler))
        return (loop, poller, connection, handler, fds[1])
    }

    private func token(_ c: Connection) -> UInt64 { c.id.rawValue & ((1 << 56) - 1) }

    @Test func aDeadlineMovedLaterReArmsOnceAndFiresOnce() throws {
        let (loop, _, c, handler, peer) = try loopWithConnection()
        defer { close(peer) }
        let t0 = ContinuousClock.now
        c.deadline = t0 + .seconds(10)
        #expect(loop.timers.count == 1)
        c.deadline = t0 + .seconds(20)
        #expect(loop.timers.count == 1, "moving a deadline later pushes nothing")
        loop.runTimers(now: t0 + .seconds(10))
        #expect(handler.deadlinesReached.isEmpty, "the early entry re-arms instead of firing")
        #expect(loop.timers.count == 1 && loop.timers.first.map { TimerHeap.instant($0.due) } == t0 + .seconds(20))
        loop.runTimers(now: t0 + .seconds(20))
        #expect(handler.deadlinesReached == [t0 + .seconds(20)])
        #expect(loop.timers.isEmpty && c.deadline == nil)

        // Moving it earlier arms a new entry; the later one is skipped when it comes due.
        c.deadline = t0 + .seconds(30)
        c.deadline = t0 + .seconds(25)
        #expect(loop.timers.count == 2)
        loop.runTimers(now: t0 + .seconds(25))
        loop.runTimers(now: t0 + .seconds(30))
        #expect(handler.deadlinesReached == [t0 + .seconds(20), t0 + .seconds(25)])
        #expect(loop.timers.isEmpty)
    }

    @Test func theLoopSleepsUntilTheNearestDeadlineAndForeverWithoutOne() throws {
        let (loop, poller, c, _, peer) = try loopWithConnection()
        defer { close(peer) }
        loop.runPass()
        #expect(poller.timeouts.last == -1, "no timer: block until something happens")
        c.deadline = .now + .seconds(10)
        loop.runPass()
        let waited = try #require(poller.timeouts.last)
        #expect((9_900...10_001).contains(waited), "waited \(waited) ms")
    }

    @Test func aReadIsDispatchedAndItsReplyLeavesInTheSamePass() throws {
        let (loop, poller, c, handler, peer) = try loopWithConnection()
        defer { close(peer) }
        #expect(write(peer, "ping", 4) == 4)
        poller.script = [[(token(c), Epoll.readable)]]
        loop.runPass()
        #expect(handler.received == Array("ping".utf8))
        var reply = [UInt8](repeating: 0, count: 8)
        #expect(read(peer, &reply, 8) == 4)
        #expect(Array(reply.prefix(4)) == Array("ping".utf8))
        #expect(poller.interest[c.fd] == Epoll.readable, "nothing queued: writability is not watched")
    }

    @Test func writabilityIsWatchedOnlyWhileBytesAreQueued() throws {
        let (loop, poller, c, _, peer) = try loopWithConnection()
        defer { close(peer) }
        let payload = [UInt8](repeating: 0x61, count: 4 << 20)
        c.write(payload)
        loop.runPass()  // flushPending: the socket buffer fills, the rest stays queued
        #expect(c.queuedOutboundBytes > 0)
        #expect(poller.interest[c.fd] == Epoll.readable | Epoll.writable)
        var drained = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while c.queuedOutboundBytes > 0 || drained < payload.count {
            let n = read(peer, &buffer, buffer.count)
            if n > 0 { drained += n; continue }
            // The peer's buffer is empty: the socket is writable again, as epoll would report.
            poller.script = [[(token(c), Epoll.writable)]]
            loop.runPass()
            try #require(poller.timeouts.count < 10_000, "the queue never drained")
        }
        #expect(drained == payload.count)
        #expect(poller.interest[c.fd] == Epoll.readable, "the queue is empty: EPOLLOUT is dropped")
    }
}
