import WebSocket

/// Mingle's own close codes (RFC 6455 §7.4.2: 4000-4999 are for private use), next to the
/// registered ones in `CloseCode`. Every close the server sends names one of these constants;
/// the attendee page (`Public/js/connection.js`, `FINAL_CLOSE_CODES`) knows the final ones, and
/// a test checks that it agrees with `finalForAttendees`.
extension CloseCode {
    /// 4001: an organiser removed the attendee; the page stops reconnecting.
    static let removedByOrganisers = CloseCode(rawValue: 4001)
    /// 4002: the same attendee resumed in another window; this one stops, or the two would take
    /// turns forever.
    static let continuedElsewhere = CloseCode(rawValue: 4002)

    /// 4003: the attendee's data was deleted (at their request or an organiser's); the page forgets its
    /// token and stops.
    static let dataDeleted = CloseCode(rawValue: 4003)

    /// Codes after which an attendee's page must not reconnect.
    static let finalForAttendees: [CloseCode] = [.removedByOrganisers, .continuedElsewhere, .dataDeleted]

    /// A short name for logs and summaries (`mingle logs summary`).
    var summaryName: String {
        switch self {
        case .normalClosure: "normal"
        case .goingAway: "going away"
        case .noStatusReceived: "no status"
        case .abnormalClosure: "abnormal (no close)"
        case .policyViolation: "policy"
        case .messageTooBig: "too big"
        case .internalError: "server error"
        case .removedByOrganisers: "removed"
        case .continuedElsewhere: "continued elsewhere"
        case .dataDeleted: "data deleted"
        default: ""
        }
    }
}
