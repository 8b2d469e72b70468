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
    case messageTooLong(maxBytes: Int)
    case emptyMessage
    case notMet
    case cannotTargetSelf
    case alreadyExchanged
    case noPendingRequest
    case unknownSession
    case noMinglingPlan
    case minglingAlreadyRunning
    case alreadyMingled
    case noRoundRunning
    case invalidExtension(maxSeconds: Int)

    public var code: String {
        switch self {
        case .unknownAttendee: "unknown_attendee"
        case .attendeeRemoved: "attendee_removed"
        case .joiningPaused: "joining_paused"
        case .invalidAccessCode: "invalid_access_code"
        case .invalidProfile: "invalid_profile"
        case .unknownAttribute: "unknown_attribute"
        case .unknownAttributeValue: "unknown_attribute_value"
        case .missingAttribute: "missing_attribute"
        case .notConnected: "not_connected"
        case .notInBreakout: "not_in_breakout"
        case .notInSameBreakout: "not_in_same_breakout"
        case .messageTooLong: "message_too_long"
        case .emptyMessage: "empty_message"
        case .notMet: "not_met"
        case .cannotTargetSelf: "cannot_target_self"
        case .alreadyExchanged: "already_exchanged"
        case .noPendingRequest: "no_pending_request"
        case .unknownSession: "unknown_session"
        case .noMinglingPlan: "no_mingling_plan"
        case .minglingAlreadyRunning: "mingling_already_running"
        case .alreadyMingled: "already_mingled"
        case .noRoundRunning: "no_round_running"
        case .invalidExtension: "invalid_extension"
        }
    }

    /// A short English explanation for logs and the error message's `detail`.
    public var description: String {
        switch self {
        case .invalidProfile(let field): "\(code): \(field)"
        case .unknownAttribute(let id): "\(code): \(id)"
        case .unknownAttributeValue(let attribute, let value): "\(code): \(attribute)=\(value)"
        case .missingAttribute(let id): "\(code): \(id)"
        case .messageTooLong(let maxBytes): "\(code): at most \(maxBytes) bytes"
        case .invalidExtension(let maxSeconds): "\(code): 1...\(maxSeconds) seconds"
        default: code
        }
    }
}
