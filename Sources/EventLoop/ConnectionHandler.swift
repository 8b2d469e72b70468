/// What the loop calls as things happen on one connection. All calls come from the
/// connection's loop thread. Byte buffers are only valid during the call.
public protocol ConnectionHandler: AnyObject {
    /// The socket is connected (accepted, or an outbound connect finished).
    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant)
    /// Bytes arrived. The buffer belongs to the loop and is reused after the call.
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant)
    /// The peer shut down its side (EOF). The handler decides whether to close.
    func connectionReadEnded(_ connection: Connection, now: ContinuousClock.Instant)
    /// The deadline the handler set on the connection has passed.
    func connectionDeadlineReached(_ connection: Connection, now: ContinuousClock.Instant)
    /// Queued output made no progress for `ConnectionLimits.stalledWriteTimeout`.
    func connectionWriteStalled(_ connection: Connection, now: ContinuousClock.Instant)
    /// All queued output has been written (only called after a write had to queue).
    func connectionDrained(_ connection: Connection, now: ContinuousClock.Instant)
    /// The descriptor is closed; the last call for this connection.
    func connectionClosed(_ connection: Connection, error: SystemError?)
}

extension ConnectionHandler {
    public func connectionReadEnded(_ connection: Connection, now: ContinuousClock.Instant) {
        connection.close()
    }
    public func connectionWriteStalled(_ connection: Connection, now: ContinuousClock.Instant) {
        connection.abort()
    }
    public func connectionDrained(_ connection: Connection, now: ContinuousClock.Instant) {}
    public func connectionDeadlineReached(_ connection: Connection, now: ContinuousClock.Instant) {
        connection.abort()
    }
}

/// A connection's identity in logs and maps; never a descriptor number.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "c\(rawValue)" }
}

/// Per-connection output limits (see Config/README.md, "Server settings").
public struct ConnectionLimits: Sendable {
    /// Above this many queued bytes `write` reports `.queuedOverSoftLimit`, so callers can
    /// drop non-essential updates.
    public var softOutboundBytes: Int = 64 * 1024
    /// Writes that would take the queue above this are refused (`.refused`); the caller closes.
    public var hardOutboundBytes: Int = 256 * 1024
    /// Queued output with no write progress for this long reports `connectionWriteStalled`.
    public var stalledWriteTimeout: Duration = .seconds(30)
    /// After a graceful close, how long to keep reading (and discarding) before closing,
    /// so the peer receives our last bytes instead of a reset.
    public var lingerTimeout: Duration = .seconds(2)

    public init() {}
}

/// What happened to bytes given to `Connection.write`.
public enum WriteOutcome: Equatable, Sendable {
    /// Queued (and written at the end of this loop pass).
    case queued
    /// Queued, but the queue is above the soft limit.
    case queuedOverSoftLimit
    /// Not queued: the hard limit would be exceeded, or the connection is closing.
    case refused
}
