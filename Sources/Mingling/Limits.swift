/// One bound on what attendees, admins or an event file may send.
///
/// Every limit is defined once, in `Limits` below: the client protocol decoder, the engine, the event file
/// loader and the admin API read it from there, and `LimitsDocumentationTests` checks that both READMEs state
/// the same numbers and units. Text is counted in characters (what people see), except where a unit says bytes.
public struct Limit: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable {
        case characters, bytes, entries, seconds, milliseconds, rounds, people, days
    }

    /// Which document states it: the protocol README (attendee messages), the README's admin API, or
    /// Config/README.md (the event file).
    public enum Scope: Sendable { case message, admin, eventFile }

    /// How the documentation names it: a protocol field (`chat.text`), an admin route's field, or an event
    /// file key path (`sessions[].mingle.rounds`).
    public let key: String
    public let range: ClosedRange<Int>
    public let unit: Unit
    public let scope: Scope

    public init(_ key: String, _ range: ClosedRange<Int>, _ unit: Unit, _ scope: Scope) {
        self.key = key
        self.range = range
        self.unit = unit
        self.scope = scope
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
    public static let clientMessage = Limit("message", 1...16_384, .bytes, .message)
    public static let displayName = Limit("join.name", 1...60, .characters, .message)
    public static let organisation = Limit("join.organisation", 0...100, .characters, .message)
    public static let attributesPerProfile = Limit("join.attributes", 0...32, .entries, .message)
    /// An attribute id or value id in a message.
    public static let attributeIdentifier = Limit("join.attributes.*", 1...64, .characters, .message)
    /// Values given for one `multiple` attribute: a person speaks a handful of languages, not fifty.
    public static let attributeChoices = Limit("join.attributes.*[]", 0...20, .entries, .message)
    public static let contactName = Limit("join.contact.name", 0...60, .characters, .message)
    public static let contactOrganisation = Limit("join.contact.organisation", 0...100, .characters, .message)
    public static let email = Limit("join.contact.email", 0...254, .characters, .message)
    public static let link = Limit("join.contact.link", 0...300, .characters, .message)
    public static let accessCode = Limit("join.accessCode", 0...100, .characters, .message)
    public static let resumeToken = Limit("resume.token", 1...200, .characters, .message)
    public static let roomIdentifier = Limit("enter_room.room", 1...64, .characters, .message)
    public static let chatText = Limit("chat.text", 1...1_000, .characters, .message)
    /// SDP or a JSON-encoded ICE candidate; an offer with many codecs stays well below.
    public static let signalPayload = Limit("signal.payload", 1...12_000, .characters, .message)
    public static let reportReason = Limit("report.reason", 1...500, .characters, .message)
    /// A call's time to connect (or to recover, or to give up) as the browser measured it; ten minutes is far
    /// past any browser's own ICE timeout.
    public static let callReportMilliseconds = Limit("call_report.ms", 0...600_000, .milliseconds, .message)

    // MARK: Admin API (README.md, "Admin API")

    public static let announcement = Limit("announce.text", 1...1_000, .characters, .admin)
    public static let removalReason = Limit("attendees/remove.reason", 0...200, .characters, .admin)
    public static let extendRound = Limit("round/extend.seconds", 1...1_800, .seconds, .admin)

    // MARK: Event file (Config/README.md)

    public static let identifier = Limit("id (every identifier)", 1...64, .characters, .eventFile)
    public static let label = Limit("title, label (every name)", 1...200, .characters, .eventFile)
    public static let rooms = Limit("rooms", 1...200, .entries, .eventFile)
    public static let sessionsPerRoom = Limit("rooms[].sessions", 0...200, .entries, .eventFile)
    public static let location = Limit("rooms[].location", 1...200, .characters, .eventFile)
    public static let attributes = Limit("attributes", 0...20, .entries, .eventFile)
    public static let attributeValues = Limit("attributes[].values", 1...200, .entries, .eventFile)
    public static let rounds = Limit("sessions[].mingle.rounds", 1...20, .rounds, .eventFile)
    public static let roundSeconds = Limit("sessions[].mingle.roundSeconds", 30...1_800, .seconds, .eventFile)
    public static let groupSize = Limit("sessions[].mingle.groupSize", 2...6, .people, .eventFile)
    /// Rules of one plan, in priority order: past a few, later rules cannot change a grouping any more (and each
    /// costs pairing time for every round).
    public static let pairingRules = Limit("sessions[].mingle.pairing", 1...5, .entries, .eventFile)
    public static let prompts = Limit("sessions[].mingle.prompts", 0...50, .entries, .eventFile)
    public static let promptText = Limit("sessions[].mingle.prompts[]", 1...280, .characters, .eventFile)
    public static let warningSeconds = Limit("sessions[].mingle.warningSeconds", 0...300, .seconds, .eventFile)
    public static let lateJoinWindowSeconds = Limit("sessions[].mingle.lateJoinWindowSeconds", 0...300, .seconds, .eventFile)
    public static let accessCodeSetting = Limit("access.code", 4...64, .characters, .eventFile)
    public static let iceServers = Limit("iceServers", 0...10, .entries, .eventFile)
    public static let iceServerURLs = Limit("iceServers[].urls", 1...10, .entries, .eventFile)
    public static let iceServerURL = Limit("iceServers[].urls[]", 1...256, .characters, .eventFile)
    public static let retentionDays = Limit("privacy.retentionDays", 1...3_650, .days, .eventFile)

    /// Every limit above, for the documentation check.
    public static let all: [Limit] = [
        clientMessage, displayName, organisation, attributesPerProfile, attributeIdentifier, attributeChoices, contactName,
        contactOrganisation, email, link, accessCode, resumeToken, roomIdentifier, chatText, signalPayload,
        reportReason, callReportMilliseconds, announcement, removalReason, extendRound, identifier, label, rooms, sessionsPerRoom,
        location, attributes, attributeValues, rounds, roundSeconds, groupSize, pairingRules, prompts, promptText,
        warningSeconds, lateJoinWindowSeconds, accessCodeSetting, iceServers, iceServerURLs, iceServerURL,
        retentionDays,
    ]
}
