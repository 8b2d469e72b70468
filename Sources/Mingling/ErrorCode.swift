/// Every code an attendee's client can receive in an `error` message, defined once. Stable snake_case:
/// clients branch on them, so renaming one is a protocol change. `ErrorCodeDocumentationTests` checks that
/// the protocol README's tables list exactly these.
public enum ErrorCode: String, CaseIterable, Sendable {
    // The message itself (decoded and checked before the engine sees it).
    case badJSON = "bad_json"
    case unknownType = "unknown_type"
    case badField = "bad_field"
    case messageTooLarge = "message_too_large"
    case notJoined = "not_joined"
    case alreadyJoined = "already_joined"
    case resumeInvalid = "resume_invalid"
    case rateLimited = "rate_limited"
    /// The server cannot save changes right now (the journal fails closed); nothing was changed.
    case unavailable = "unavailable"
    case internalError = "internal"

    // Refusals by the mingling engine (`MinglingError`).
    case unknownAttendee = "unknown_attendee"
    case attendeeRemoved = "attendee_removed"
    case joiningPaused = "joining_paused"
    case invalidAccessCode = "invalid_access_code"
    case invalidProfile = "invalid_profile"
    case unknownAttribute = "unknown_attribute"
    case unknownAttributeValue = "unknown_attribute_value"
    case missingAttribute = "missing_attribute"
    case unknownRoom = "unknown_room"
    case eventOver = "event_over"
    case notConnected = "not_connected"
    case notInBreakout = "not_in_breakout"
    case notInSameBreakout = "not_in_same_breakout"
    case messageTooLong = "message_too_long"
    case emptyMessage = "empty_message"
    case notMet = "not_met"
    case cannotTargetSelf = "cannot_target_self"
    case alreadyExchanged = "already_exchanged"
    case noPendingRequest = "no_pending_request"
    case unknownBreakout = "unknown_breakout"
    case feedbackAlreadyGiven = "feedback_already_given"
    case feedbackClosed = "feedback_closed"
    // Admin refusals (the admin API answers them as `error.code` too).
    case unknownSession = "unknown_session"
    case noMinglingPlan = "no_mingling_plan"
    case minglingAlreadyRunning = "mingling_already_running"
    case alreadyMingled = "already_mingled"
    case noRoundRunning = "no_round_running"
    case invalidExtension = "invalid_extension"
    case planChangeRejected = "plan_change_rejected"
}
