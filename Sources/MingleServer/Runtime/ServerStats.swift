import Synchronization

/// Process-wide counters, updated from every loop with relaxed atomics and read by
/// `/metrics` and the admin dashboard.
final class ServerStats: Sendable {
    let connectionsOpened = Atomic<Int>(0)
    let connectionsClosed = Atomic<Int>(0)
    let tlsHandshakes = Atomic<Int>(0)
    let tlsHandshakeFailures = Atomic<Int>(0)
    let handshakeTimeouts = Atomic<Int>(0)
    let httpRequestsRejected = Atomic<Int>(0)
    let upgradesAccepted = Atomic<Int>(0)
    let upgradesRejected = Atomic<Int>(0)
    let messagesIn = Atomic<Int>(0)
    let messagesOut = Atomic<Int>(0)
    let payloadBytesIn = Atomic<Int>(0)
    let payloadBytesOut = Atomic<Int>(0)
    let slowConsumersClosed = Atomic<Int>(0)
    /// Jobs for a connection that had closed by the time they reached its loop (a hub delivery,
    /// a deferred reply): counted so that no delivery is lost without a trace.
    let deliveriesMissed = Atomic<Int>(0)
    /// Bytes through the sockets (TLS records included), for the dashboard's rates.
    let socketBytesIn = Atomic<Int>(0)
    let socketBytesOut = Atomic<Int>(0)
    let loopLag = LoopLagRecorder()
    let startedAt = ContinuousClock.now

    func connectionOpened() { connectionsOpened.add(1, ordering: .relaxed) }
    func connectionClosed() { connectionsClosed.add(1, ordering: .relaxed) }
    func tlsHandshakeCompleted() { tlsHandshakes.add(1, ordering: .relaxed) }
    func tlsHandshakeFailed() { tlsHandshakeFailures.add(1, ordering: .relaxed) }
    func handshakeTimedOut() { handshakeTimeouts.add(1, ordering: .relaxed) }
    func httpRejected() { httpRequestsRejected.add(1, ordering: .relaxed) }
    func upgradeAccepted() { upgradesAccepted.add(1, ordering: .relaxed) }
    func upgradeRejected() { upgradesRejected.add(1, ordering: .relaxed) }
    func slowConsumerClosed() { slowConsumersClosed.add(1, ordering: .relaxed) }
    func deliveryMissed() { deliveriesMissed.add(1, ordering: .relaxed) }
    func messageReceived(bytes: Int) {
        messagesIn.add(1, ordering: .relaxed)
        payloadBytesIn.add(bytes, ordering: .relaxed)
    }
    func messageSent(bytes: Int) {
        messagesOut.add(1, ordering: .relaxed)
        payloadBytesOut.add(bytes, ordering: .relaxed)
    }

    /// Socket bytes arrive in batches (each loop's lag probe tick, and at close), not per read.
    func socketBytes(in bytesIn: Int, out bytesOut: Int) {
        if bytesIn > 0 { socketBytesIn.add(bytesIn, ordering: .relaxed) }
        if bytesOut > 0 { socketBytesOut.add(bytesOut, ordering: .relaxed) }
    }

    var openConnections: Int {
        connectionsOpened.load(ordering: .relaxed) - connectionsClosed.load(ordering: .relaxed)
    }
}
