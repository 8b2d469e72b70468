/// An input to the engine, imperative. Each is validated against the current state; a refusal is a
/// `MinglingError` and changes nothing.
public enum Command: Sendable, Equatable {
    /// A new attendee; also counts as connected. The engine assigns the `AttendeeID`. With a room (the
    /// attendee opened its link) they enter it at once; an event with a single room is entered anyway.
    case register(Profile, accessCode: String?, room: RoomID? = nil)
    /// A (re)connection. Inside the grace period it resumes the attendee's breakout.
    case connect(AttendeeID)
    case disconnect(AttendeeID)
    /// Into another room (leaving any breakout in the current one), or back to the event's lobby with nil.
    case enterRoom(AttendeeID, RoomID?)
    case sendChat(from: AttendeeID, text: String)
    /// WebRTC signalling relayed to one member of the sender's breakout; the payload is opaque.
    case signal(from: AttendeeID, to: AttendeeID, kind: SignalKind, payload: String)
    case stayInTouch(from: AttendeeID, with: AttendeeID)
    case withdrawStayInTouch(from: AttendeeID, with: AttendeeID)
    case leaveBreakout(AttendeeID)
    /// "Good conversation?" after a breakout the attendee was in has ended for them (one answer each).
    case giveFeedback(from: AttendeeID, breakout: BreakoutID, answer: FeedbackAnswer)
    case report(from: AttendeeID, about: AttendeeID, reason: String)
    case block(from: AttendeeID, whom: AttendeeID)
    case admin(AdminCommand)
    /// "Delete me" (or an admin's erasure): the attendee's registration, card, requests and reports go from the
    /// server; cards already handed to others stay on those people's devices; who met whom stays as bare ids
    /// (no repeats).
    case eraseAttendee(AttendeeID)
    /// The retention period after the event's last session has passed: every name, organisation, card,
    /// request and report text goes. Counts stay.
    case expirePersonalData
    /// A reloaded event file. Running rounds finish as they were; later rounds use the new plan. Refused
    /// (`planChangeRejected`) when it would break what is running: a room that is in use disappearing, or
    /// the session a room is mingling after.
    case replacePlan(EventPlan)
    /// After a restart and journal replay: every connection is gone, so each attendee who was connected
    /// becomes disconnected now and may resume within the grace period.
    case recoverAfterRestart
}

public enum AdminCommand: Sendable, Equatable {
    /// Starts mingling in a room for a session (the room's running or last ended one when `nil`), ending the
    /// session early if it is still running.
    case startMingling(RoomID, SessionID?)
    case endRoundNow(RoomID)
    case extendRound(RoomID, seconds: Int)
    /// Ends the room's current round and the rest of its mingling.
    case stopMingling(RoomID)
    /// Refuses new registrations and stops forming breakouts for late arrivals (the whole event).
    case pauseJoining
    case resumeJoining
    case removeAttendee(AttendeeID, reason: String)
    /// Deletes the attendee's personal data (a data subject's request made to the organisers).
    case eraseAttendee(AttendeeID)
}

public enum SignalKind: String, Sendable, Equatable, CaseIterable {
    case offer, answer, candidate
}
