/// A breakout as formed: its members and the icebreaker they were given.
public struct Breakout: Sendable, Equatable {
    public var id: BreakoutID
    public var members: [AttendeeID]
    public var prompt: String?
    public var endsAt: Timestamp
    public init(id: BreakoutID, members: [AttendeeID], prompt: String?, endsAt: Timestamp) {
        self.id = id
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
/// Every payload is plain stored values so the server can write them as JSON lines.
///
/// Audience (the server's business, listed here once): attendee events go to the attendee and, while in a
/// breakout, its members; round and phase events to everyone; `chatDelivered` and `signalRelayed` to their
/// `recipients` only; stay-in-touch events to `from` only; `contactsExchanged` to both; reports and admin
/// events to admins.
public enum DomainEvent: Sendable, Equatable {
    case attendeeRegistered(AttendeeID, Profile, at: Timestamp)
    /// A fresh connection (not within a grace period).
    case attendeeConnected(AttendeeID, at: Timestamp)
    case attendeeDisconnected(AttendeeID, at: Timestamp, graceEndsAt: Timestamp)
    /// Back within the grace period, into `breakout` if it still exists.
    case attendeeResumed(AttendeeID, at: Timestamp, breakout: BreakoutID?)
    /// The grace period ran out; the attendee left any breakout.
    case attendeeDropped(AttendeeID, at: Timestamp)
    case attendeeRemoved(AttendeeID, reason: String, at: Timestamp)

    case sessionStarted(SessionID, at: Timestamp)
    case sessionEnded(SessionID, at: Timestamp)
    case minglingStarted(SessionID, rounds: Int, at: Timestamp)
    /// `unplaced` were available but could not be put in a group (a single attendee, or blocks); they wait
    /// for late arrivals, as after `attendeeWaiting`.
    case roundStarted(
        SessionID, round: Int, startedAt: Timestamp, endsAt: Timestamp, breakouts: [Breakout],
        unplaced: [AttendeeID])
    /// A breakout formed mid-round from waiting attendees.
    case breakoutFormed(Breakout)
    case roundEndingSoon(SessionID, round: Int, endsAt: Timestamp)
    case roundExtended(SessionID, round: Int, endsAt: Timestamp)
    /// Everyone returns to the lobby; all breakouts of the round are closed.
    case roundEnded(SessionID, round: Int, at: Timestamp)
    case minglingEnded(SessionID, at: Timestamp)

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
    case joiningPaused(at: Timestamp)
    case joiningResumed(at: Timestamp)
    case planReplaced(EventPlan)

    /// Whether replay needs the event. Messages, signalling and warnings are relayed, not journaled, so
    /// the journal holds no chat content.
    public var isJournaled: Bool {
        switch self {
        case .chatDelivered, .signalRelayed, .roundEndingSoon: false
        default: true
        }
    }
}
