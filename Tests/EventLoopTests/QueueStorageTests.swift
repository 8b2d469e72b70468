#if canImport(Glibc)
import Glibc
#endif
import Testing
import MingleTestSupport
@testable import EventLoop

/// Echoes, optionally sends at once (`flushNow`), records what was still queued right after,
/// then asks for the queue's storage to be freed (`releaseQueueStorage`).
final class ReleasingEchoHandler: ConnectionHandler, Sendable {
    let sendAtOnce: Bool
    let queuedAfterWrite = Locked<[Int]>([])

    init(sendAtOnce: Bool) { self.sendAtOnce = sendAtOnce }

    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {}
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        connection.write(bytes)
        if sendAtOnce { connection.flushNow() }
        let queued = connection.queuedOutboundBytes
        queuedAfterWrite.withLock { $0.append(queued) }
        connection.releaseQueueStorage()
    }
    func connectionClosed(_ connection: Connection, error: SystemError?) {}
}

@Suite struct QueueStorageTests {
    func run(sendAtOnce: Bool) throws -> (queued: [Int], capacityAfter: Int) {
        let handler = ReleasingEchoHandler(sendAtOnce: sendAtOnce)
        let group = try startGroup { handler }
        defer { group.shutdown() }
        let client = try BlockingClient(port: group.boundPorts[0])
        let payload = [UInt8](repeating: 7, count: 3000)
        try client.send(payload)
        #expect(try client.receive(exactly: payload.count) == payload)
        let capacity = group.onLoop { loop in loop.connections.values.first?.outbound.capacity ?? -1 }
        return (handler.queuedAfterWrite.withLock { $0 }, capacity)
    }

    @Test func flushNowSendsBeforeTheEndOfThePass() throws {
        let (queued, capacity) = try run(sendAtOnce: true)
        #expect(!queued.isEmpty)
        #expect(queued.allSatisfy { $0 == 0 })
        #expect(capacity == 0)
    }

    @Test func storageIsFreedOnceTheQueuedBytesAreSent() throws {
        let (queued, capacity) = try run(sendAtOnce: false)
        // Without flushNow the bytes wait for the end of the pass; the storage goes after them.
        #expect(queued.contains { $0 > 0 })
        #expect(capacity == 0)
    }
}
