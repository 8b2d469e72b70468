/// The whole engine state as plain values: what journal compaction writes instead of the events that led to
/// it (`snapshot()`), and what a restart reads back (`init(plan:settings:seed:snapshot:)`). Restoring a
/// snapshot and applying the events after it gives the same engine as replaying every event.
public struct EngineSnapshot: Sendable, Equatable {
    public var attendees: [AttendeeState]
    public var rooms: [RoomSnapshot]
    /// Unordered pairs, smaller id first, sorted.
    public var met: [Pair]
    public var blocked: [Pair]
    /// Directed (from asked to), sorted.
    public var requests: [Pair]
    public var exchanged: [Pair]
    public var receivedCards: [ReceivedCards]
    public var openBreakouts: [Breakout]
    public var nextBreakoutNumber: UInt64
    public var grace: [GraceDeadline]
    public var startedSessions: [SessionID]
    public var endedSessions: [SessionID]
    public var mingledSessions: [SessionID]
    public var missedSessions: [SessionID]
    public var joiningPaused: Bool
    public var personalDataExpired: Bool = false
    public var reports: [Report]
    public var totals: EventTotals

    public init(
        attendees: [AttendeeState], rooms: [RoomSnapshot], met: [Pair], blocked: [Pair], requests: [Pair],
        exchanged: [Pair], receivedCards: [ReceivedCards], openBreakouts: [Breakout], nextBreakoutNumber: UInt64,
        grace: [GraceDeadline], startedSessions: [SessionID], endedSessions: [SessionID], mingledSessions: [SessionID],
        missedSessions: [SessionID], joiningPaused: Bool, personalDataExpired: Bool = false, reports: [Report],
        totals: EventTotals
    ) {
        self.attendees = attendees; self.rooms = rooms; self.met = met; self.blocked = blocked; self.requests = requests
        self.exchanged = exchanged; self.receivedCards = receivedCards; self.openBreakouts = openBreakouts
        self.nextBreakoutNumber = nextBreakoutNumber; self.grace = grace; self.startedSessions = startedSessions
        self.endedSessions = endedSessions; self.mingledSessions = mingledSessions; self.missedSessions = missedSessions
        self.joiningPaused = joiningPaused; self.personalDataExpired = personalDataExpired; self.reports = reports
        self.totals = totals
    }

    public struct Pair: Sendable, Equatable, Comparable {
        public var a: AttendeeID
        public var b: AttendeeID
        public init(_ a: AttendeeID, _ b: AttendeeID) { self.a = a; self.b = b }
        public static func < (l: Pair, r: Pair) -> Bool { (l.a, l.b) < (r.a, r.b) }
        init(packed: UInt64) { self.init(AttendeeID(UInt32(packed >> 32)), AttendeeID(UInt32(packed & 0xFFFF_FFFF))) }
        var packed: UInt64 { UInt64(a.rawValue) << 32 | UInt64(b.rawValue) }
    }

    public struct RoomSnapshot: Sendable, Equatable {
        public var id: RoomID
        public var phase: Phase
        public var waiting: [(AttendeeID, Timestamp)]
        public var roundMet: [(AttendeeID, [AttendeeID])]
        public var members: [AttendeeID]
        public var totals: RoomTotals
        public var quality: [RuleQuality]
        public var feedbackByRound: [RoundFeedback]
        public init(id: RoomID, phase: Phase, waiting: [(AttendeeID, Timestamp)], roundMet: [(AttendeeID, [AttendeeID])],
                    members: [AttendeeID], totals: RoomTotals, quality: [RuleQuality] = [], feedbackByRound: [RoundFeedback] = []) {
            self.id = id; self.phase = phase; self.waiting = waiting; self.roundMet = roundMet
            self.members = members; self.totals = totals; self.quality = quality; self.feedbackByRound = feedbackByRound
        }
        public static func == (l: RoomSnapshot, r: RoomSnapshot) -> Bool {
            l.id == r.id && l.phase == r.phase && l.members == r.members && l.totals == r.totals && l.quality == r.quality
                && l.feedbackByRound == r.feedbackByRound
                && l.waiting.map(\.0) == r.waiting.map(\.0) && l.waiting.map(\.1) == r.waiting.map(\.1)
                && l.roundMet.map(\.0) == r.roundMet.map(\.0) && l.roundMet.map(\.1) == r.roundMet.map(\.1)
        }
    }

    public struct ReceivedCards: Sendable, Equatable {
        public var receiver: AttendeeID
        public var cards: [ReceivedCard]
        public init(receiver: AttendeeID, cards: [ReceivedCard]) { self.receiver = receiver; self.cards = cards }
    }

    public struct GraceDeadline: Sendable, Equatable {
        public var deadline: Timestamp
        public var id: AttendeeID
        public init(deadline: Timestamp, id: AttendeeID) { self.deadline = deadline; self.id = id }
    }
}

extension MinglingEngine {
    /// Every piece of state, in a stable order.
    public func snapshot() -> EngineSnapshot {
        func pairs(_ set: Set<UInt64>) -> [EngineSnapshot.Pair] { set.map { EngineSnapshot.Pair(packed: $0) }.sorted() }
        let rooms = roomStates.values.sorted { $0.id < $1.id }.map { state in
            EngineSnapshot.RoomSnapshot(
                id: state.id, phase: state.phase, waiting: state.waiting.map { ($0.id, $0.eligibleAt) },
                roundMet: state.roundMet.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                members: state.members.sorted(), totals: state.totals, quality: state.quality,
                feedbackByRound: state.feedbackByRound)
        }
        let requestPairs = requests.flatMap { from, to in to.map { EngineSnapshot.Pair(from, $0) } }.sorted()
        return EngineSnapshot(
            attendees: attendees, rooms: rooms, met: pairs(met), blocked: pairs(blocked), requests: requestPairs,
            exchanged: pairs(exchanged),
            receivedCards: receivedCards.sorted { $0.key < $1.key }.map { .init(receiver: $0.key, cards: $0.value) },
            openBreakouts: breakouts, nextBreakoutNumber: nextBreakoutNumber,
            grace: graceQueue.map { .init(deadline: $0.deadline, id: $0.id) },
            startedSessions: startedSessions.sorted { $0.rawValue < $1.rawValue },
            endedSessions: endedSessions.sorted { $0.rawValue < $1.rawValue },
            mingledSessions: mingledSessions.sorted { $0.rawValue < $1.rawValue },
            missedSessions: missedSessions.sorted { $0.rawValue < $1.rawValue },
            joiningPaused: isJoiningPaused, personalDataExpired: personalDataExpired, reports: reports, totals: totals)
    }

    /// An engine in the state of `snapshot`, under the plan as loaded now; apply the events journaled after
    /// the snapshot, then `recoverAfterRestart`.
    public init(plan: EventPlan, settings: EngineSettings = EngineSettings(), seed: UInt64 = 0, snapshot s: EngineSnapshot) {
        self.init(plan: plan, settings: settings, seed: seed)
        attendees = s.attendees
        for room in s.rooms {
            var state = RoomState(id: room.id)
            state.phase = room.phase
            state.waiting = room.waiting.map { WaitingEntry(id: $0.0, eligibleAt: $0.1) }
            state.roundMet = Dictionary(uniqueKeysWithValues: room.roundMet)
            state.members = Set(room.members)
            state.totals = room.totals
            state.quality = room.quality
            state.feedbackByRound = room.feedbackByRound
            roomStates[room.id] = state
        }
        met = Set(s.met.map(\.packed))
        blocked = Set(s.blocked.map(\.packed))
        for pair in s.requests { requests[pair.a, default: []].insert(pair.b) }
        exchanged = Set(s.exchanged.map(\.packed))
        receivedCards = Dictionary(uniqueKeysWithValues: s.receivedCards.map { ($0.receiver, $0.cards) })
        openBreakouts = Dictionary(uniqueKeysWithValues: s.openBreakouts.map { ($0.id, $0) })
        nextBreakoutNumber = s.nextBreakoutNumber
        graceQueue = s.grace.map { GraceEntry(deadline: $0.deadline, id: $0.id) }
        startedSessions = Set(s.startedSessions)
        endedSessions = Set(s.endedSessions)
        mingledSessions = Set(s.mingledSessions)
        missedSessions = Set(s.missedSessions)
        isJoiningPaused = s.joiningPaused
        personalDataExpired = s.personalDataExpired
        reports = s.reports
        totals = s.totals
    }
}
