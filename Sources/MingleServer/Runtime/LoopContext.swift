import EventLoop
import TLS

/// What every connection on one loop shares: settings, the loop's TLS context (rebuilt on
/// SIGHUP), routes and counters. Lives on its loop's thread.
final class LoopContext {
    let settings: ServerSettings
    let log: Log
    let stats: ServerStats
    let router: Router
    let loopHandle: LoopHandle<LoopContext>
    /// This loop's open connections: what jobs from other threads (hub deliveries, deferred
    /// replies) address, by id, without a cast.
    private(set) var connections: [ConnectionID: ServerConnection] = [:]
    /// Timers that run while the loop has connections (poked on accept).
    var busyTimers: [WhileBusyTimer] = []
    /// Added to every HTTP response (static files add their own CSP).
    let securityHeaders: SecurityHeaders
    /// Replaced when certificates are reloaded; sessions keep the context they started with.
    var tlsContext: TLSContext?
    /// The connection log (README.md, "Connection log"); nil when turned off.
    var connectionLog: ConnectionLog?
    /// A memory trim is scheduled on this loop (see `ReturnHandshakeMemory.swift`).
    var memoryTrimScheduled = false

    init(settings: ServerSettings, log: Log, stats: ServerStats, router: Router, tlsContext: TLSContext?,
         loopHandle: LoopHandle<LoopContext>, securityHeaders: SecurityHeaders) {
        self.loopHandle = loopHandle
        self.securityHeaders = securityHeaders
        self.settings = settings
        self.log = log
        self.stats = stats
        self.router = router
        self.tlsContext = tlsContext
    }
}

extension LoopContext {
    func opened(_ connection: ServerConnection, id: ConnectionID) { connections[id] = connection }
    func closed(_ id: ConnectionID) { connections[id] = nil }

    /// Runs `body` with connection `id`. One that has closed since the job was posted (an
    /// attendee who left while the hub answered) is counted and logged, never skipped silently.
    func withConnection(_ id: ConnectionID, for purpose: String, deliveries: Int = 1, _ body: (ServerConnection) -> Void) {
        guard let connection = connections[id] else {
            for _ in 0..<deliveries { stats.deliveryMissed() }
            log.debug("delivery_to_closed_connection", ["conn": "\(id)", "what": purpose])
            return
        }
        body(connection)
    }

    /// Shutdown: WebSockets get 1001, HTTP connections are closed.
    func goAwayAll() {
        for server in Array(connections.values) {
            if let connection = server.connection { server.goAway(connection) }
        }
    }

    /// The loop's byte counts for the dashboard, summed without an atomic operation per read or
    /// write: each lag-probe tick adds up what every connection moved since the last tick.
    func reportSocketBytes() {
        var bytesIn = 0, bytesOut = 0
        for server in connections.values {
            guard let connection = server.connection else { continue }
            let (i, o) = server.unreportedSocketBytes(connection)
            bytesIn += i
            bytesOut += o
        }
        stats.socketBytes(in: bytesIn, out: bytesOut)
    }
}
