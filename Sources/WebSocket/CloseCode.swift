/// Close status codes (RFC 6455 §7.4, IANA registry).
public struct CloseCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let normalClosure = CloseCode(rawValue: 1000)
    public static let goingAway = CloseCode(rawValue: 1001)
    public static let protocolError = CloseCode(rawValue: 1002)
    public static let unsupportedData = CloseCode(rawValue: 1003)
    /// Never on the wire: no code was present.
    public static let noStatusReceived = CloseCode(rawValue: 1005)
    /// Never on the wire: the connection dropped without a Close.
    public static let abnormalClosure = CloseCode(rawValue: 1006)
    public static let invalidPayloadData = CloseCode(rawValue: 1007)
    public static let policyViolation = CloseCode(rawValue: 1008)
    public static let messageTooBig = CloseCode(rawValue: 1009)
    public static let mandatoryExtension = CloseCode(rawValue: 1010)
    public static let internalError = CloseCode(rawValue: 1011)
    public static let serviceRestart = CloseCode(rawValue: 1012)
    public static let tryAgainLater = CloseCode(rawValue: 1013)
    public static let badGateway = CloseCode(rawValue: 1014)
    /// Never on the wire: the TLS handshake failed.
    public static let tlsHandshake = CloseCode(rawValue: 1015)

    /// The one place a peer's error becomes a close code.
    public init(for error: FrameError) {
        switch error {
        case .unmaskedClientFrame, .reservedBitsSet, .unexpectedCompressionBit, .reservedOpcode,
             .controlFrameTooLong, .fragmentedControlFrame, .unexpectedContinuation, .expectedContinuation,
             .lengthTopBitSet, .nonMinimalLength, .closePayloadTooShort, .invalidCloseCode:
            self = .protocolError
        case .invalidUTF8, .invalidCloseReasonUTF8, .corruptCompressedData:
            self = .invalidPayloadData
        case .frameTooBig, .messageTooBig:
            self = .messageTooBig
        case .tooManyFragments:
            self = .policyViolation
        }
    }

    /// Whether an endpoint may put this code in a Close frame (§7.4.1, §7.4.2 and the IANA
    /// registry, which added 1012-1014): 1000-1003, 1007-1014 and 3000-4999.
    public var isAllowedOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}
