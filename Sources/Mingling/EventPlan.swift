/// What an organiser describes in the event file, already validated (see `EventConfigLoader` in the server).
/// The engine trusts these values: bounds are enforced where the file is read, not here.
public struct EventPlan: Sendable, Equatable {
    public var event: EventInfo
    public var attributes: [AttributeDefinition]
    /// Sorted by start, not overlapping.
    public var sessions: [Session]
    public var access: Access
    public var iceServers: [IceServer]
    public var privacy: Privacy

    public init(
        event: EventInfo, attributes: [AttributeDefinition], sessions: [Session],
        access: Access = .open, iceServers: [IceServer] = [], privacy: Privacy = Privacy()
    ) {
        self.event = event
        self.attributes = attributes
        self.sessions = sessions
        self.access = access
        self.iceServers = iceServers
        self.privacy = privacy
    }

    public func attribute(_ id: String) -> AttributeDefinition? { attributes.first { $0.id == id } }
    public func session(_ id: SessionID) -> Session? { sessions.first { $0.id == id } }
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
    public init(id: String, label: String, values: [AttributeValue], required: Bool = false) {
        self.id = id
        self.label = label
        self.values = values
        self.required = required
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

/// How groups are composed with respect to the `pairBy` attribute.
public enum PairingPolicy: String, Sendable, Equatable, CaseIterable {
    /// Groups span different values wherever the population allows (Norway meets Madrid).
    case mix
    /// Groups share one value wherever the population allows.
    case same
    /// The attribute is ignored.
    case any
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
    /// Attribute id the policy looks at.
    public var pairBy: String
    public var policy: PairingPolicy
    /// One is picked at random for each breakout.
    public var prompts: [String]
    public var warningSeconds: Int
    public var start: MingleStart
    /// How long a late arrival waits for other late arrivals before they are grouped.
    public var lateJoinWindowSeconds: Int

    public init(
        rounds: Int = 3, roundSeconds: Int = 300, groupSize: Int = 2, pairBy: String = "region",
        policy: PairingPolicy = .mix, prompts: [String] = [], warningSeconds: Int = 30,
        start: MingleStart = .automatic, lateJoinWindowSeconds: Int = 30
    ) {
        self.rounds = rounds
        self.roundSeconds = roundSeconds
        self.groupSize = groupSize
        self.pairBy = pairBy
        self.policy = policy
        self.prompts = prompts
        self.warningSeconds = warningSeconds
        self.start = start
        self.lateJoinWindowSeconds = lateJoinWindowSeconds
    }
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
