/// One bound on what attendees, admins or an event file may send.
///
/// Every limit is defined once, in `Limits` below: the client protocol decoder, the engine, the event file
/// loader and the admin API read it from there, and `LimitsDocumentationTests` checks that both READMEs state
/// the same numbers and units. Text is counted in characters (what people see), except where a unit says bytes.
public struct Limit: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable {
        case characters, bytes, entries, seconds, rounds, people, days
    }

    /// How the documentation names it: a protocol field (`chat.text`) or an event file key (`rooms`).
    public let key: String
    public let range: ClosedRange<Int>
    public let unit: Unit

    public init(_ key: String, _ range: ClosedRange<Int>, _ unit: Unit) {
        self.key = key
        self.range = range
        self.unit = unit
    }

    public var minimum: Int { range.lowerBound }
    public var maximum: Int { range.upperBound }

    public func allows(_ value: Int) -> Bool { range.contains(value) }

    /// The size of `text` in this limit's unit (characters, or UTF-8 bytes).
    public func size(of text: String) -> Int { unit == .bytes ? text.utf8.count : text.count }

    public func allows(text: String) -> Bool { range.contains(size(of: text)) }

    /// `1...60 characters`, as the documentation writes it.
    public var description: String { "\(range.lowerBound)...\(range.upperBound) \(unit.rawValue)" }
}

public enum Limits {
    // MARK: Attendee messages (Sources/MingleServer/ClientProtocol/README.md, "Limits")

    /// One client message: a JSON text frame. Larger gets `error` `message_too_large`.
    public static let clientMessage = Limit("message", 1...16_384, .bytes)
    public static let displayName = Limit("join.name", 1...60, .characters)
    public static let organisation = Limit("join.organisation", 0...100, .characters)
    public static let attributesPerProfile = Limit("join.attributes", 0...32, .entries)
    /// An attribute id or value id in a message.
    public static let attributeIdentifier = Limit("join.attributes.*", 1...64, .characters)
    public static let contactName = Limit("join.contact.name", 0...60, .characters)
    public static let contactOrganisation = Limit("join.contact.organisation", 0...100, .characters)
    public static let email = Limit("join.contact.email", 0...254, .characters)
    public static let link = Limit("join.contact.link", 0...300, .characters)
    public static let accessCode = Limit("join.accessCode", 0...100, .characters)
    public static let resumeToken = Limit("resume.token", 1...200, .characters)
    public static let roomIdentifier = Limit("enter_room.room", 1...64, .characters)
    public static let chatText = Limit("chat.text", 1...1_000, .characters)
    /// SDP or a JSON-encoded ICE candidate; an offer with many codecs stays well below.
    public static let signalPayload = Limit("signal.payload", 1...12_000, .characters)
    public static let reportReason = Limit("report.reason", 1...500, .characters)

    // MARK: Admin API (README.md, "Admin API")

    public static let announcement = Limit("announce.text", 1...1_000, .characters)
    public static let removalReason = Limit("attendees/remove.reason", 0...200, .characters)
    public static let extendRound = Limit("round/extend.seconds", 1...1_800, .seconds)

    // MARK: Event file (Config/README.md)

    public static let identifier = Limit("id", 1...64, .characters)
    public static let label = Limit("label", 1...200, .characters)
    public static let rooms = Limit("rooms", 1...200, .entries)
    public static let sessionsPerRoom = Limit("rooms[].sessions", 0...200, .entries)
    public static let location = Limit("rooms[].location", 1...200, .characters)
    public static let attributes = Limit("attributes", 0...20, .entries)
    public static let attributeValues = Limit("attributes[].values", 1...200, .entries)
    public static let rounds = Limit("mingle.rounds", 1...20, .rounds)
    public static let roundSeconds = Limit("mingle.roundSeconds", 30...1_800, .seconds)
    public static let groupSize = Limit("mingle.groupSize", 2...6, .people)
    public static let prompts = Limit("mingle.prompts", 0...50, .entries)
    public static let promptText = Limit("mingle.prompts[]", 1...280, .characters)
    public static let warningSeconds = Limit("mingle.warningSeconds", 0...300, .seconds)
    public static let lateJoinWindowSeconds = Limit("mingle.lateJoinWindowSeconds", 0...300, .seconds)
    public static let accessCodeSetting = Limit("access.code", 4...64, .characters)
    public static let iceServers = Limit("iceServers", 0...10, .entries)
    public static let iceServerURLs = Limit("iceServers[].urls", 1...10, .entries)
    public static let iceServerURL = Limit("iceServers[].urls[]", 1...256, .characters)
    public static let retentionDays = Limit("privacy.retentionDays", 1...3_650, .days)

    /// Every limit above, for the documentation check.
    public static let all: [Limit] = [
        clientMessage, displayName, organisation, attributesPerProfile, attributeIdentifier, contactName,
        contactOrganisation, email, link, accessCode, resumeToken, roomIdentifier, chatText, signalPayload,
        reportReason, announcement, removalReason, extendRound, identifier, label, rooms, sessionsPerRoom,
        location, attributes, attributeValues, rounds, roundSeconds, groupSize, prompts, promptText,
        warningSeconds, lateJoinWindowSeconds, accessCodeSetting, iceServers, iceServerURLs, iceServerURL,
        retentionDays,
    ]
}
