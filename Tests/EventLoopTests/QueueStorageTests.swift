#if canImport(Glibc)
import Glibc
#endif
import Testing
import MingleTestSupport
@testable import EventLoop

/// Echoes; records what is still queued right after its read callback and, from a timer that
/// runs later in the same pass, what is queued then; asks for the queue's storage to be freed.
final class ObservingEchoHandler: ConnectionHandler, Sendable {
    let queuedInCallback = Locked<[Int]>([])
    let queuedLaterInPass = Locked<[Int]>([])

    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {}
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        connection.write(bytes)
        let queued = connection.queuedOutboundBytes
        queuedInCallback.withLock { $0.append(queued) }
        connection.releaseQueueStorage()
        // Timers that are due run after this pass's events, before the end-of-pass flush.
        _ = connection.loop.schedule(at: now) { [connection] in
            let later = connection.queuedOutboundBytes
            self.queuedLaterInPass.withLock { $0.append(later) }
        }
    }
    func connectionClosed(_ connection: Connection, error: SystemError?) {}
}

@Suite struct QueueStorageTests {
    @Test func replyToAReadLeavesBeforeTheEndOfThePassAndItsStorageGoes() throws {
        let handler = ObservingEchoHandler()
        let group = try startGroup { handler }
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        let payload = [UInt8](repeating: 7, count: 3000)
        try client.send(payload)
        #expect(try client.receive(exactly: payload.count) == payload)
        let capacity = group.onLoop { loop in loop.connections.values.first?.outbound.capacity ?? -1 }
        let inCallback = handler.queuedInCallback.withLock { $0 }
        let laterInPass = group.onLoop { _ in handler.queuedLaterInPass.withLock { $0 } }
        // Queued while the callback runs (corked), sent when it returns, not at the end of the pass.
        #expect(!inCallback.isEmpty && inCallback.allSatisfy { $0 > 0 })
        #expect(laterInPass.count == inCallback.count)
        #expect(laterInPass.allSatisfy { $0 == 0 })
        // releaseQueueStorage asked while bytes were queued: the storage went after they were sent.
        #expect(capacity == 0)
    }
}

/// Replies 10,000 bytes to a read starting with "L", 100 to any other.
final class SizedReplyHandler: ConnectionHandler, Sendable {
    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {}
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        let reply = [UInt8](repeating: 1, count: bytes.first == UInt8(ascii: "L") ? 10_000 : 100)
        _ = connection.write(reply)
    }
    func connectionClosed(_ connection: Connection, error: SystemError?) {}
}

@Suite struct RetainedQueueStorageTests {
    /// A small reply's storage is reused; a large one's goes once sent, so an idle connection does not keep what
    /// its largest message needed (a welcome, a room list of many rooms).
    @Test func aLargeReplysStorageGoesOnceSentASmallOneIsKept() throws {
        let group = try startGroup { SizedReplyHandler() }
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        func capacity() -> Int { group.onLoop { loop in loop.connections.values.first?.outbound.capacity ?? -1 } }
        try client.send([UInt8(ascii: "S")])
        #expect(try client.receive(exactly: 100).count == 100)
        let small = capacity()
        #expect(small >= 100 && small <= Connection.retainedBufferCapacity, "kept for the next small reply")
        try client.send([UInt8(ascii: "L")])
        #expect(try client.receive(exactly: 10_000).count == 10_000)
        #expect(capacity() == 0, "the large reply's storage is freed")
    }
}
