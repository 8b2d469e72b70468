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
    case unknownSession
    case noMinglingPlan
    case minglingAlreadyRunning
    case alreadyMingled
    case noRoundRunning
    case invalidExtension(Limit)
    case unknownRoom
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
        case .unknownSession: .unknownSession
        case .noMinglingPlan: .noMinglingPlan
        case .minglingAlreadyRunning: .minglingAlreadyRunning
        case .alreadyMingled: .alreadyMingled
        case .noRoundRunning: .noRoundRunning
        case .invalidExtension: .invalidExtension
        case .unknownRoom: .unknownRoom
        case .planChangeRejected: .planChangeRejected
        }
    }

    /// A short English explanation for logs and the error message's `detail`.
    public var description: String {
        switch self {
        case .invalidProfile(let field): "\(code.rawValue): \(field)"
        case .unknownAttribute(let id): "\(code.rawValue): \(id)"
        case .unknownAttributeValue(let attribute, let value): "\(code.rawValue): \(attribute)=\(value)"
        case .missingAttribute(let id): "\(code.rawValue): \(id)"
        case .messageTooLong(let limit): "\(code.rawValue): \(limit.key) must be \(limit)"
        case .invalidExtension(let limit): "\(code.rawValue): must be \(limit)"
        case .planChangeRejected(let reason): "\(code.rawValue): \(reason)"
        default: code.rawValue
        }
    }
}
