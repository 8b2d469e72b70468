/// An input to the engine, imperative. Each is validated against the current state; a refusal is a
/// `MinglingError` and changes nothing.
public enum Command: Sendable, Equatable {
    /// A new attendee; also counts as connected. The engine assigns the `AttendeeID`.
    case register(Profile, accessCode: String?)
    /// A (re)connection. Inside the grace period it resumes the attendee's breakout.
    case connect(AttendeeID)
    case disconnect(AttendeeID)
    case sendChat(from: AttendeeID, text: String)
    /// WebRTC signalling relayed to one member of the sender's breakout; the payload is opaque.
    case signal(from: AttendeeID, to: AttendeeID, kind: SignalKind, payload: String)
    case stayInTouch(from: AttendeeID, with: AttendeeID)
    case withdrawStayInTouch(from: AttendeeID, with: AttendeeID)
    case leaveBreakout(AttendeeID)
    case report(from: AttendeeID, about: AttendeeID, reason: String)
    case block(from: AttendeeID, whom: AttendeeID)
    case admin(AdminCommand)
    /// A reloaded event file. Running rounds finish as they were; later rounds use the new plan.
    case replacePlan(EventPlan)
    /// After a restart and journal replay: every connection is gone, so each attendee who was connected
    /// becomes disconnected now and may resume within the grace period.
    case recoverAfterRestart
}

public enum AdminCommand: Sendable, Equatable {
    /// Starts mingling for a session (the running or last ended one when `nil`), ending the session early
    /// if it is still running.
    case startMingling(SessionID?)
    case endRoundNow
    case extendRound(seconds: Int)
    /// Ends the current round and the rest of the mingling.
    case stopMingling
    /// Refuses new registrations and stops forming breakouts for late arrivals.
    case pauseJoining
    case resumeJoining
    case removeAttendee(AttendeeID, reason: String)
}

public enum SignalKind: String, Sendable, Equatable, CaseIterable {
    case offer, answer, candidate
}
