/// Where the event as a whole stands. Sessions run one after another, so one phase describes everyone.
public enum Phase: Sendable, Equatable {
    /// Between sessions; attendees wait in the lobby.
    case lobby
    /// A session is running; nobody is in a breakout.
    case session(SessionID)
    case mingling(MinglingState)
}

public struct MinglingState: Sendable, Equatable {
    public var session: SessionID
    /// 1-based; 0 before the first round starts.
    public var round: Int
    /// The plan the current round runs with; a reloaded file applies from the next round on.
    public var plan: MinglePlan
    public var status: RoundStatus
}

public enum RoundStatus: Sendable, Equatable {
    case running(startedAt: Timestamp, endsAt: Timestamp, warned: Bool)
    /// Everyone is back in the lobby; the next round starts at `nextStartsAt`.
    case between(nextStartsAt: Timestamp)
}

public enum ConnectionState: Sendable, Equatable {
    case connected
    /// Dropped; keeps the breakout place until `graceEndsAt`.
    case reconnecting(since: Timestamp, graceEndsAt: Timestamp)
    case offline
}

public struct AttendeeState: Sendable, Equatable {
    public var id: AttendeeID
    public var profile: Profile
    public var registeredAt: Timestamp
    public var connection: ConnectionState
    public var breakout: BreakoutID?
    public var removed: Bool
}

/// A report, kept for admins.
public struct Report: Sendable, Equatable {
    public var from: AttendeeID
    public var about: AttendeeID
    public var reason: String
    public var at: Timestamp
}
