/// Where one room stands. A room's sessions run one after another, so one phase describes its attendees.
public enum Phase: Sendable, Equatable {
    /// Between sessions; attendees wait in the room's lobby.
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
    public init(session: SessionID, round: Int, plan: MinglePlan, status: RoundStatus) {
        self.session = session; self.round = round; self.plan = plan; self.status = status
    }
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
    /// The room they are in (kept while they are away, so they come back to it); nil in the event's lobby.
    public var room: RoomID?
    public var breakout: BreakoutID?
    public var removed: Bool
    /// Their personal data was deleted (at their request, or at the end of the retention period).
    public var erased: Bool = false
    /// Their last breakouts that have ended for them, oldest first (at most `MinglingEngine.feedbackMemory`):
    /// what "Good conversation?" may be answered for.
    public internal(set) var endedBreakouts: [EndedBreakout] = []

    public init(id: AttendeeID, profile: Profile, registeredAt: Timestamp, connection: ConnectionState, room: RoomID?,
                breakout: BreakoutID?, removed: Bool, erased: Bool = false, endedBreakouts: [EndedBreakout] = []) {
        self.id = id; self.profile = profile; self.registeredAt = registeredAt; self.connection = connection
        self.room = room; self.breakout = breakout; self.removed = removed; self.erased = erased
        self.endedBreakouts = endedBreakouts
    }

    /// Connected, or dropped and still within the grace period.
    public var isPresent: Bool {
        guard !removed else { return false }
        if case .offline = connection { return false }
        return true
    }
}

/// A breakout as it ended for one attendee: its round, when it was to end, and whether they answered
/// "Good conversation?".
public struct EndedBreakout: Sendable, Equatable {
    public var breakout: BreakoutID
    public var room: RoomID
    public var session: SessionID
    public var round: Int
    public var endsAt: Timestamp
    public var answered: Bool
    public init(breakout: BreakoutID, room: RoomID, session: SessionID, round: Int, endsAt: Timestamp, answered: Bool = false) {
        self.breakout = breakout; self.room = room; self.session = session; self.round = round; self.endsAt = endsAt
        self.answered = answered
    }
}

/// One room's state: its phase, its waiting attendees, who met whom in its current round, and who is in it.
public struct RoomState: Sendable, Equatable {
    public let id: RoomID
    public internal(set) var phase: Phase = .lobby
    /// Late arrivals and abandoned partners, in arrival order.
    var waiting: [WaitingEntry] = []
    /// Whom each attendee met in this room's current (or last ended) round; cleared when a round starts.
    public internal(set) var roundMet: [AttendeeID: [AttendeeID]] = [:]
    /// Attendees whose room this is, whatever their connection.
    public internal(set) var members: Set<AttendeeID> = []
    public internal(set) var totals = RoomTotals()
    /// How the groups of the room's last round fared against each rule of its plan (empty before a round).
    public internal(set) var quality: [RuleQuality] = []
    /// Answers to "Good conversation?" per round, in the order the rounds ran (totals in `totals.feedback`).
    public internal(set) var feedbackByRound: [RoundFeedback] = []

    init(id: RoomID) { self.id = id }

    public var waitingAttendees: [AttendeeID] { waiting.map(\.id) }
}

struct WaitingEntry: Sendable, Equatable {
    var id: AttendeeID
    var eligibleAt: Timestamp
}

/// A report, kept for admins.
public struct Report: Sendable, Equatable {
    public var from: AttendeeID
    public var about: AttendeeID
    public var reason: String
    public var at: Timestamp
    public init(from: AttendeeID, about: AttendeeID, reason: String, at: Timestamp) {
        self.from = from; self.about = about; self.reason = reason; self.at = at
    }
}
