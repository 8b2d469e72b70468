/// What one or more attendees are told, decided by the engine right after the event that caused it, from
/// the state that event left (so a notice never names a partner from a later breakout, and `roundEnded`
/// lists who met in that round even when the next round starts in the same tick). The server only encodes
/// notices as wire messages (ClientProtocol/README.md) and delivers them to whoever is connected; replaying
/// the journal rebuilds every piece of state they are computed from.
public struct Notice: Sendable, Equatable {
    public var to: [AttendeeID]
    public var message: Message

    public init(to: [AttendeeID], _ message: Message) {
        self.to = to
        self.message = message
    }

    public enum Message: Sendable, Equatable {
        /// You are now in this room (nil: in the event's lobby, in no room).
        case roomEntered(RoomID?)
        /// The room's phase after the call (sent once per call and room, after its other notices).
        case phase(RoomID, Phase, joiningPaused: Bool)
        case roundStarted(RoomID, SessionID, round: Int, rounds: Int, startedAt: Timestamp, endsAt: Timestamp,
                          warningSeconds: Int)
        case breakout(Breakout)
        case unplaced
        case waiting(eligibleAt: Timestamp)
        case roundEndingSoon(endsAt: Timestamp)
        case roundExtended(endsAt: Timestamp)
        /// To each attendee who was in a breakout this round: whom they met in it.
        case roundEnded(RoomID, round: Int, met: [AttendeeID])
        case leftBreakout(BreakoutID, LeaveReason)
        case partnerLeft(AttendeeID, LeaveReason)
        case partnerReconnecting(AttendeeID, graceEndsAt: Timestamp)
        case partnerBack(AttendeeID)
        case breakoutClosed(BreakoutCloseReason)
        case chat(from: AttendeeID, text: String, at: Timestamp)
        case signal(from: AttendeeID, kind: SignalKind, payload: String)
        case stayInTouchPending(with: AttendeeID)
        case stayInTouchWithdrawn(with: AttendeeID)
        /// Your answer to "Good conversation?" for that breakout is counted.
        case feedbackRecorded(BreakoutID, FeedbackAnswer)
        /// Their card (the name and organisation they joined with when they gave none).
        case contact(AttendeeID, ContactCard)
        case removed(reason: String)
        /// Your data was deleted; this connection ends.
        case erased
    }
}

/// What a call to the engine produced: events to journal (those `isJournaled`) before anything is told, and
/// the notices to deliver after, in order.
public struct EngineOutput: Sendable, Equatable {
    public var events: [DomainEvent] = []
    public var notices: [Notice] = []
    public init(events: [DomainEvent] = [], notices: [Notice] = []) {
        self.events = events
        self.notices = notices
    }
}
