/// What an organiser describes in the event file, already validated (see `EventConfigLoader` in the server).
/// The engine trusts these values: bounds are enforced where the file is read, not here.
public struct EventPlan: Sendable, Equatable {
    public var event: EventInfo
    public var attributes: [AttributeDefinition]
    /// Rooms run in parallel; each has its own sessions in order. An event file without `rooms` has one room,
    /// `RoomID.single`, titled with the event's name.
    public var rooms: [Room]
    public var access: Access
    public var iceServers: [IceServer]
    public var privacy: Privacy

    public init(
        event: EventInfo, attributes: [AttributeDefinition], rooms: [Room],
        access: Access = .open, iceServers: [IceServer] = [], privacy: Privacy = Privacy()
    ) {
        self.event = event
        self.attributes = attributes
        self.rooms = rooms
        self.access = access
        self.iceServers = iceServers
        self.privacy = privacy
    }

    /// One room holding `sessions` (the shape of an event file without `rooms`).
    public init(
        event: EventInfo, attributes: [AttributeDefinition], sessions: [Session],
        access: Access = .open, iceServers: [IceServer] = [], privacy: Privacy = Privacy()
    ) {
        self.init(
            event: event, attributes: attributes,
            rooms: [Room(id: .single, title: event.name, location: nil, sessions: sessions)],
            access: access, iceServers: iceServers, privacy: privacy)
    }

    public func attribute(_ id: String) -> AttributeDefinition? { attributes.first { $0.id == id } }
    public func room(_ id: RoomID) -> Room? { rooms.first { $0.id == id } }
    /// Session ids are unique in the whole event.
    public func session(_ id: SessionID) -> Session? {
        for room in rooms { if let s = room.sessions.first(where: { $0.id == id }) { return s } }
        return nil
    }
    public func room(of session: SessionID) -> RoomID? {
        rooms.first { room in room.sessions.contains { $0.id == session } }?.id
    }
    /// Every session of every room, room by room.
    public var sessions: [Session] { rooms.flatMap(\.sessions) }
    /// When the last session of the event ends (nil without sessions).
    public var lastSessionEnd: Timestamp? { sessions.map(\.end).max() }
}

/// A physical or virtual room: its own schedule, its own mingling, its own attendees.
public struct Room: Sendable, Equatable {
    public var id: RoomID
    public var title: String
    /// Where on site ("Room 2.14, second floor"), for on-site attendees; nil for online-only rooms.
    public var location: String?
    /// In order, not overlapping within the room.
    public var sessions: [Session]
    public init(id: RoomID, title: String, location: String? = nil, sessions: [Session]) {
        self.id = id
        self.title = title
        self.location = location
        self.sessions = sessions
    }
}

public struct EventInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    /// IANA identifier (`Europe/Brussels`); used to show times, never to compute them.
    public var timeZone: String
    public init(id: String, name: String, timeZone: String) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
    }
}

/// An attendee attribute such as region, attendance (on-site/remote) or language.
public struct AttributeDefinition: Sendable, Equatable {
    public var id: String
    public var label: String
    public var values: [AttributeValue]
    /// Whether registration must give a value.
    public var required: Bool
    /// Whether an attendee may give several values ("Languages you can talk in"), up to
    /// `Limits.attributeChoices`; otherwise exactly one.
    public var multiple: Bool
    public init(id: String, label: String, values: [AttributeValue], required: Bool = false, multiple: Bool = false) {
        self.id = id
        self.label = label
        self.values = values
        self.required = required
        self.multiple = multiple
    }
    public func index(of valueID: String) -> Int? { values.firstIndex { $0.id == valueID } }
}

public struct AttributeValue: Sendable, Equatable {
    public var id: String
    public var label: String
    public init(id: String, label: String) {
        self.id = id
        self.label = label
    }
}

public struct Session: Sendable, Equatable {
    public var id: SessionID
    public var title: String
    public var start: Timestamp
    public var end: Timestamp
    /// Mingling after this session; `nil` for none.
    public var mingle: MinglePlan?
    public init(id: SessionID, title: String, start: Timestamp, end: Timestamp, mingle: MinglePlan?) {
        self.id = id
        self.title = title
        self.start = start
        self.end = end
        self.mingle = mingle
    }
}

/// How groups are composed with respect to one attribute (a `PairingRule`).
public enum PairingPolicy: String, Sendable, Equatable, CaseIterable {
    /// Groups span different answers wherever the population allows (Norway meets Madrid). A group satisfies it
    /// when its members' answers are not all the same (an unanswered attribute counts as an answer of its own).
    case mix
    /// Groups share one answer wherever the population allows: every member answered the same.
    case same
    /// Every group has at least one value in common (a language everyone in it speaks): a hard constraint
    /// wherever the population allows, above "no repeats". Made for `multiple` attributes.
    case share
    /// The attribute is ignored.
    case any
}

/// One rule of a mingling plan: the attribute it looks at and how.
public struct PairingRule: Sendable, Equatable {
    public var attribute: String
    public var policy: PairingPolicy
    public init(attribute: String, policy: PairingPolicy) {
        self.attribute = attribute
        self.policy = policy
    }
}

public enum MingleStart: String, Sendable, Equatable, CaseIterable {
    /// Round 1 begins when the session ends.
    case automatic
    /// Round 1 begins when an admin says so.
    case manual
}

public struct MinglePlan: Sendable, Equatable {
    public var rounds: Int
    public var roundSeconds: Int
    /// Target group size, 2...6. Sizes are balanced, so some groups may be one smaller; with 2 an odd
    /// attendee makes one trio.
    public var groupSize: Int
    /// In priority order: a `share` rule (at most one) is hard wherever the population allows, then no repeated
    /// pairs, then the `mix` and `same` rules as preferences, the first one weighing most. Never empty.
    public var rules: [PairingRule]
    /// One is picked at random for each breakout.
    public var prompts: [String]
    public var warningSeconds: Int
    public var start: MingleStart
    /// How long a late arrival waits for other late arrivals before they are grouped.
    public var lateJoinWindowSeconds: Int

    public init(
        rounds: Int = 3, roundSeconds: Int = 300, groupSize: Int = 2, pairBy: String = "region",
        policy: PairingPolicy = .mix, rules: [PairingRule]? = nil, prompts: [String] = [], warningSeconds: Int = 30,
        start: MingleStart = .automatic, lateJoinWindowSeconds: Int = 30
    ) {
        self.rounds = rounds
        self.roundSeconds = roundSeconds
        self.groupSize = groupSize
        self.rules = rules ?? [PairingRule(attribute: pairBy, policy: policy)]
        self.prompts = prompts
        self.warningSeconds = warningSeconds
        self.start = start
        self.lateJoinWindowSeconds = lateJoinWindowSeconds
    }
}

extension MinglePlan {
    /// The first rule's attribute (a plan written with `pairBy` has one rule).
    public var pairBy: String { rules.first?.attribute ?? "" }
    public var policy: PairingPolicy { rules.first?.policy ?? .any }
    /// The attribute whose spread `RoomTotals.breakoutsSpanning` counts: the first `mix` rule's, else the first rule's.
    public var spanningAttribute: String { (rules.first { $0.policy == .mix } ?? rules.first)?.attribute ?? "" }
}

public enum Access: Sendable, Equatable {
    case open
    case accessCode(String)
}

/// A STUN or TURN server handed to browsers as an `RTCIceServer`.
public struct IceServer: Sendable, Equatable {
    public var urls: [String]
    public var username: String?
    public var credential: String?
    public init(urls: [String], username: String? = nil, credential: String? = nil) {
        self.urls = urls
        self.username = username
        self.credential = credential
    }
}

public enum IPLogging: String, Sendable, Equatable, CaseIterable {
    case full, truncated, hashed, off
}

public struct Privacy: Sendable, Equatable {
    /// Journal and logs older than this are deleted.
    public var retentionDays: Int
    public var ipLogging: IPLogging
    public init(retentionDays: Int = 30, ipLogging: IPLogging = .truncated) {
        self.retentionDays = retentionDays
        self.ipLogging = ipLogging
    }
}
