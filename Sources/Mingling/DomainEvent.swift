/// How the groups of one round fare against one rule of its plan, at the moment they were formed.
public struct RuleQuality: Sendable, Equatable {
    public var attribute: String
    public var policy: PairingPolicy
    /// Groups that satisfy the rule.
    public var satisfied: Int
    /// Groups formed when the round started (late groups are not counted).
    public var groups: Int
    /// An upper bound on the groups that could satisfy it: the same people in groups of the same sizes,
    /// without giving up what the rules before it achieved (see `Pairing+Quality.swift`; `satisfied` can reach
    /// it, but need not be able to).
    public var best: Int
    /// `share` only: people present who share a value with nobody else present (placed all the same).
    public var alone: Int?

    public init(attribute: String, policy: PairingPolicy, satisfied: Int, groups: Int, best: Int, alone: Int? = nil) {
        self.attribute = attribute; self.policy = policy; self.satisfied = satisfied; self.groups = groups
        self.best = best; self.alone = alone
    }
}

/// A breakout as formed: its room, its members and the icebreaker they were given.
public struct Breakout: Sendable, Equatable {
    public var id: BreakoutID
    public var room: RoomID
    public var members: [AttendeeID]
    public var prompt: String?
    public var endsAt: Timestamp
    public init(id: BreakoutID, room: RoomID = .single, members: [AttendeeID], prompt: String?, endsAt: Timestamp) {
        self.id = id
        self.room = room
        self.members = members
        self.prompt = prompt
        self.endsAt = endsAt
    }
}

public enum LeaveReason: String, Sendable, Equatable {
    case left, dropped, removed, blocked
}

public enum BreakoutCloseReason: String, Sendable, Equatable {
    /// Fewer than two members remained.
    case tooFewMembers = "too_few_members"
}

/// Something that happened, past tense. `handle` and `tick` decide (randomness included) and return events;
/// `apply` alone changes state, so replaying a journal of these events rebuilds the engine exactly.
/// Every payload is plain stored values so the server can write them as JSON lines. Who is told what is
/// decided by the engine as well (`Notice`), right after each event, from the state it left.
public enum DomainEvent: Sendable, Equatable {
    case attendeeRegistered(AttendeeID, Profile, at: Timestamp)
    /// Into a room, or out of every room (back to the event's lobby) with nil.
    case attendeeEnteredRoom(AttendeeID, RoomID?, at: Timestamp)
    /// A fresh connection (not within a grace period).
    case attendeeConnected(AttendeeID, at: Timestamp)
    case attendeeDisconnected(AttendeeID, at: Timestamp, graceEndsAt: Timestamp)
    /// Back within the grace period, into `breakout` if it still exists.
    case attendeeResumed(AttendeeID, at: Timestamp, breakout: BreakoutID?)
    /// The grace period ran out; the attendee left any breakout.
    case attendeeDropped(AttendeeID, at: Timestamp)
    case attendeeRemoved(AttendeeID, reason: String, at: Timestamp)
    /// Journaled without the personal data it deletes.
    case attendeeErased(AttendeeID, at: Timestamp)
    case personalDataExpired(at: Timestamp)

    case sessionStarted(RoomID, SessionID, at: Timestamp)
    case sessionEnded(RoomID, SessionID, at: Timestamp)
    case minglingStarted(RoomID, SessionID, rounds: Int, at: Timestamp)
    /// The server was not running (or not yet started) when automatic mingling was due, and the window for
    /// starting it late has passed; an admin may still start it.
    case minglingMissed(RoomID, SessionID, at: Timestamp)
    /// `unplaced` were available but could not be put in a group (a single attendee, or blocks); they wait
    /// for late arrivals, as after `attendeeWaiting`. `quality`: how the groups fare against each rule of the
    /// plan, in its order (empty in journals written before it was reported).
    case roundStarted(
        RoomID, SessionID, round: Int, startedAt: Timestamp, endsAt: Timestamp, breakouts: [Breakout],
        unplaced: [AttendeeID], quality: [RuleQuality] = [])
    /// A breakout formed mid-round from waiting attendees.
    case breakoutFormed(Breakout)
    case roundEndingSoon(RoomID, SessionID, round: Int, endsAt: Timestamp)
    case roundExtended(RoomID, SessionID, round: Int, endsAt: Timestamp)
    /// Everyone in the room returns to its lobby; all breakouts of the round are closed.
    case roundEnded(RoomID, SessionID, round: Int, at: Timestamp)
    case minglingEnded(RoomID, SessionID, at: Timestamp)

    /// A late arrival or a partner left alone waits to be grouped; grouped no earlier than `eligibleAt`.
    case attendeeWaiting(AttendeeID, eligibleAt: Timestamp)
    case leftBreakout(AttendeeID, BreakoutID, reason: LeaveReason)
    /// `returnedToLobby` were members left behind who are not waiting for a new group.
    case breakoutClosed(BreakoutID, reason: BreakoutCloseReason, returnedToLobby: [AttendeeID])

    case chatDelivered(BreakoutID, from: AttendeeID, text: String, recipients: [AttendeeID], at: Timestamp)
    case signalRelayed(from: AttendeeID, to: AttendeeID, kind: SignalKind, payload: String)

    /// Seen by `from` only: nothing is revealed until the other side asks too.
    case stayInTouchRequested(from: AttendeeID, to: AttendeeID)
    case stayInTouchWithdrawn(from: AttendeeID, to: AttendeeID)
    /// Both asked: `first` receives `secondCard`, `second` receives `firstCard`.
    case contactsExchanged(first: AttendeeID, second: AttendeeID, firstCard: ContactCard, secondCard: ContactCard)

    case attendeeReported(from: AttendeeID, about: AttendeeID, reason: String, at: Timestamp)
    case attendeeBlocked(from: AttendeeID, whom: AttendeeID, at: Timestamp)
    /// "Good conversation?" answered, counted for the round the breakout belonged to. The answer is told to
    /// nobody; the attendee is named so that a replayed journal still accepts one answer per breakout.
    case feedbackGiven(AttendeeID, BreakoutID, answer: FeedbackAnswer, room: RoomID, session: SessionID, round: Int,
                       at: Timestamp)
    case joiningPaused(at: Timestamp)
    case joiningResumed(at: Timestamp)
    case planReplaced(EventPlan)

    /// Whether replay needs the event: every event that changes state (the round's warning included, so
    /// a restarted server does not warn twice). Chat and signalling are relayed, not journaled, so the
    /// journal holds no chat content; `apply` ignores them.
    public var isJournaled: Bool {
        switch self {
        case .chatDelivered, .signalRelayed: false
        default: true
        }
    }
}
