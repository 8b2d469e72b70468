import EventLoop
import TLS

/// What every connection on one loop shares: settings, the loop's TLS context (rebuilt on
/// SIGHUP), routes and counters. Lives on its loop's thread.
final class LoopContext {
    let settings: ServerSettings
    let log: Log
    let stats: ServerStats
    let router: Router
    let loopHandle: LoopHandle
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
         loopHandle: LoopHandle, securityHeaders: SecurityHeaders) {
        self.loopHandle = loopHandle
        self.securityHeaders = securityHeaders
        self.settings = settings
        self.log = log
        self.stats = stats
        self.router = router
        self.tlsContext = tlsContext
    }
}
