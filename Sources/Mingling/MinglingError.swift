/// A refusal of a command. Each case has a stable snake_case `code` that clients and tests rely on;
/// renaming one is a protocol change.
public enum MinglingError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownAttendee
    case attendeeRemoved
    case joiningPaused
    case invalidAccessCode
    case invalidProfile(field: String)
    case unknownAttribute(String)
    case unknownAttributeValue(attribute: String, value: String)
    case missingAttribute(String)
    case notConnected
    case notInBreakout
    case notInSameBreakout
    case messageTooLong(Limit)
    case emptyMessage
    case notMet
    case cannotTargetSelf
    case alreadyExchanged
    case noPendingRequest
    /// Feedback for a breakout the attendee was not in, or that has not ended for them yet.
    case unknownBreakout
    case feedbackAlreadyGiven
    /// Feedback later than `EngineSettings.feedbackWindowSeconds` after the breakout's end.
    case feedbackClosed
    case unknownSession
    case noMinglingPlan
    case minglingAlreadyRunning
    case alreadyMingled
    case noRoundRunning
    case invalidExtension(Limit)
    case unknownRoom
    /// The event is over and its retention period has passed: nobody registers any more.
    case eventOver
    /// A reloaded event file would break what is running; the reason says what and how to fix it.
    case planChangeRejected(String)

    public var code: ErrorCode {
        switch self {
        case .unknownAttendee: .unknownAttendee
        case .attendeeRemoved: .attendeeRemoved
        case .joiningPaused: .joiningPaused
        case .invalidAccessCode: .invalidAccessCode
        case .invalidProfile: .invalidProfile
        case .unknownAttribute: .unknownAttribute
        case .unknownAttributeValue: .unknownAttributeValue
        case .missingAttribute: .missingAttribute
        case .notConnected: .notConnected
        case .notInBreakout: .notInBreakout
        case .notInSameBreakout: .notInSameBreakout
        case .messageTooLong: .messageTooLong
        case .emptyMessage: .emptyMessage
        case .notMet: .notMet
        case .cannotTargetSelf: .cannotTargetSelf
        case .alreadyExchanged: .alreadyExchanged
        case .noPendingRequest: .noPendingRequest
        case .unknownBreakout: .unknownBreakout
        case .feedbackAlreadyGiven: .feedbackAlreadyGiven
        case .feedbackClosed: .feedbackClosed
        case .unknownSession: .unknownSession
        case .noMinglingPlan: .noMinglingPlan
        case .minglingAlreadyRunning: .minglingAlreadyRunning
        case .alreadyMingled: .alreadyMingled
        case .noRoundRunning: .noRoundRunning
        case .invalidExtension: .invalidExtension
        case .unknownRoom: .unknownRoom
        case .eventOver: .eventOver
        case .planChangeRejected: .planChangeRejected
        }
    }

    /// A short English sentence for logs, the `error` message's `message` and the admin API (clients branch
    /// on `code`, never on this text).
    public var description: String {
        switch self {
        case .unknownAttendee: "no attendee has that id"
        case .attendeeRemoved: "the attendee was removed or deleted"
        case .joiningPaused: "the organisers paused joining"
        case .invalidAccessCode: "the access code is wrong or missing"
        case .invalidProfile(let field) where field.hasPrefix("attributes."):
            "\(field) has more values than the attribute takes, or one twice"
        case .invalidProfile(let field): "\(field) is empty or too long"
        case .unknownAttribute(let id): "the event has no attribute \"\(id)\""
        case .unknownAttributeValue(let attribute, let value): "\"\(value)\" is not a value of \(attribute)"
        case .missingAttribute(let id): "\(id) is required"
        case .notConnected: "the attendee is not connected"
        case .notInBreakout: "not in a breakout"
        case .notInSameBreakout: "that attendee is not in your breakout"
        case .messageTooLong(let limit): "\(limit.key) must be \(limit)"
        case .emptyMessage: "the message is empty"
        case .notMet: "you have not met that attendee"
        case .cannotTargetSelf: "that is you"
        case .alreadyExchanged: "contact cards were already exchanged"
        case .noPendingRequest: "there is no request to withdraw"
        case .unknownBreakout: "not a breakout you were in, or it has not ended for you"
        case .feedbackAlreadyGiven: "you answered for that breakout already"
        case .feedbackClosed: "that breakout ended too long ago to answer for"
        case .unknownSession: "no such session in that room"
        case .noMinglingPlan: "that session has no mingling"
        case .minglingAlreadyRunning: "the room is mingling already"
        case .alreadyMingled: "that session's mingling has already run"
        case .noRoundRunning: "no round is running in that room"
        case .invalidExtension(let limit): "a round is extended by \(limit)"
        case .unknownRoom: "the event has no such room"
        case .eventOver: "the event is over and its data were deleted"
        case .planChangeRejected(let reason): reason
        }
    }
}
