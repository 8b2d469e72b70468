#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// One socket owned by one loop. Output is corked: `write` appends to the queue, and the
/// queue is sent right after the handler's read callback returns (the reply to what was
/// read) or, for writes from jobs and timers, once at the end of the loop's pass (one
/// syscall for many small messages); EPOLLOUT is watched only while bytes remain queued.
public final class Connection {
    // Stored properties are laid out in the order written, and this object is made for every
    // connection: the flags fill the gaps the alignment of the larger fields leaves, so it stays at
    // 200 bytes or less (glibc's 208-byte size class; 202 bytes took a 224-byte one).
    public let id: ConnectionID
    public let remoteAddress: SocketAddress?
    public let localPort: UInt16
    public let openedAt: ContinuousClock.Instant
    public unowned let loop: EventLoop
    /// The tag of the listener that accepted it (e.g. "tls", "plain"), or "outbound".
    public let listenerTag: String

    // Exclusivity: the mutable state below belongs to the loop thread and is only touched in short
    // accesses that never call out (a handler is read, then called). Their dynamic exclusivity
    // checks cost about a quarter of an echoed message's instructions (callgrind,
    // docs/benchmarks.md "Exclusivity checks"), so they are off for these properties only (`@exclusivity(unchecked)`), not
    // for the module: everything else, the handlers included, is still checked.
    @exclusivity(unchecked) var fd: Int32
    @exclusivity(unchecked) var state: State = .open
    @exclusivity(unchecked) var readingEnabled = true
    @exclusivity(unchecked) var pendingFlush = false
    @exclusivity(unchecked) var watchingWritable = false
    @exclusivity(unchecked) var handler: (any ConnectionHandler)?
    @exclusivity(unchecked) var outbound: [UInt8] = []
    @exclusivity(unchecked) var outboundStart = 0
    @exclusivity(unchecked) var lastWriteProgress: ContinuousClock.Instant
    @exclusivity(unchecked) public private(set) var bytesReceived: UInt64 = 0
    @exclusivity(unchecked) public internal(set) var bytesSent: UInt64 = 0

    /// The earliest deadline entry this connection has in the loop's timer heap, when `armed`.
    /// Instants with a flag beside them rather than optionals: an optional's tag byte would take
    /// the object past 200 bytes, into the next size class.
    @exclusivity(unchecked) var armedUntil: ContinuousClock.Instant
    /// `deadline`, when `hasDeadline`.
    @exclusivity(unchecked) var deadlineAt: ContinuousClock.Instant
    @exclusivity(unchecked) var armed = false
    @exclusivity(unchecked) var hasDeadline = false
    @exclusivity(unchecked) var notifyDrained = false
    /// Set by `releaseQueueStorage()`: the next time the queue empties, its storage goes too.
    @exclusivity(unchecked) var releaseStorageWhenEmpty = false
    @exclusivity(unchecked) var connecting = false
    @exclusivity(unchecked) var stallCheckArmed = false

    /// The handler's single deadline. Moving it later costs nothing (the armed timer entry
    /// stays and, when it fires early, re-arms itself at the current deadline); moving it
    /// earlier arms a new entry. A WebSocket that pushes its keepalive deadline forward on
    /// every message therefore does not grow the timer heap.
    public var deadline: ContinuousClock.Instant? {
        get { hasDeadline ? deadlineAt : nil }
        set {
            guard let d = newValue else {
                hasDeadline = false
                return
            }
            deadlineAt = d
            hasDeadline = true
            if armed && armedUntil <= d { return }
            armedDeadline = d
            loop.armDeadline(for: self, at: d)
        }
    }

    /// `armedUntil` when `armed`.
    var armedDeadline: ContinuousClock.Instant? {
        get { armed ? armedUntil : nil }
        set {
            armed = newValue != nil
            if let newValue { armedUntil = newValue }
        }
    }

    enum State { case open, closingAfterFlush, lingering, closed }

    /// A buffer that emptied keeps its storage only up to this size: small messages (chat, echo) reuse it
    /// without a malloc each, while the storage a large one (a welcome, a room list of many rooms) made it
    /// grow to is freed instead of staying with every idle connection (with 20 rooms that kept about 20 KiB
    /// per attendee). Also used for the TLS and WebSocket layers' own output buffers.
    public static let retainedBufferCapacity = 2048

    init(id: ConnectionID, fd: Int32, remote: SocketAddress?, localPort: UInt16, listenerTag: String,
         loop: EventLoop, now: ContinuousClock.Instant) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remote
        self.localPort = localPort
        self.listenerTag = listenerTag
        self.loop = loop
        self.openedAt = now
        self.lastWriteProgress = now
        self.armedUntil = now
        self.deadlineAt = now
    }

    public var isOpen: Bool { state == .open }
    public var queuedOutboundBytes: Int { outbound.count - outboundStart }

    /// What writing `byteCount` more bytes would do now: the one place the outbound limits
    /// (`ConnectionLimits`) are judged. A write larger than the hard limit still goes through
    /// when nothing is queued, so one big message is never refused on its own.
    public func admission(ofBytes byteCount: Int) -> WriteOutcome {
        guard state == .open else { return .refused }
        let queued = queuedOutboundBytes
        if queued > 0 && queued + byteCount > loop.limits.hardOutboundBytes { return .refused }
        return queued + byteCount > loop.limits.softOutboundBytes ? .queuedOverSoftLimit : .queued
    }

    /// Queues bytes for sending. See `WriteOutcome`.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> WriteOutcome {
        let outcome = admission(ofBytes: bytes.count)
        guard outcome != .refused else { return .refused }
        if outboundStart > 0 && outboundStart == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.capacity <= Self.retainedBufferCapacity)
            outboundStart = 0
        }
        outbound.append(contentsOf: bytes)
        markPendingFlush()
        return outcome
    }

    @discardableResult
    public func write(_ bytes: [UInt8]) -> WriteOutcome {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes what is queued, then shuts down our side, lingers briefly reading and
    /// discarding, and closes. Safe to call more than once.
    public func close() {
        guard state == .open else { return }
        state = .closingAfterFlush
        if queuedOutboundBytes == 0 {
            loop.beginLinger(self)
        } else {
            markPendingFlush()
        }
    }

    /// Closes the descriptor now, discarding queued output.
    public func abort() {
        loop.closeNow(self, error: nil)
    }

    /// Frees the queue's storage once it is empty (now, or after the queued bytes are sent).
    /// For the end of a handshake: the queue keeps its capacity between messages, and what the
    /// handshake made it grow to (a TLS flight with a certificate chain) would otherwise stay
    /// with every idle connection.
    public func releaseQueueStorage() {
        if queuedOutboundBytes == 0 {
            outbound = []
            outboundStart = 0
        } else {
            releaseStorageWhenEmpty = true
        }
    }

    /// Ask to be told (`connectionDrained`) when the queue empties.
    public func notifyWhenDrained() { notifyDrained = true }

    func markPendingFlush() {
        if !pendingFlush {
            pendingFlush = true
            loop.pendingFlush.append(self)
        }
    }

    func received(_ n: Int) { bytesReceived &+= UInt64(n) }
}
