/// The mingling domain as one deterministic state machine: the whole event's truth.
///
/// Theory of operation.
/// - Inputs: `handle(_:now:)` for commands, `tick(now:)` when `now >= nextDeadline`. The caller reads the
///   wall clock and passes `now`; randomness is derived from the seed given at construction and the identity
///   of each decision (`DecisionRandom`), so the same journal and the same inputs give the same choices.
/// - Outputs: past-tense `DomainEvent`s, and the `Notice`s telling attendees what happened. Every state change
///   goes through `apply(_:)`; `handle` and `tick` only decide (validate, pick groups) and emit. Replaying the
///   journaled events through `apply` on a fresh engine rebuilds everything: registrations, rooms and who is in
///   them, pair history, blocks, requests, exchanged cards, reports, totals and every room's running round.
/// - A command is validated completely before its first event is emitted; a refusal (`MinglingError`)
///   changes nothing. After a command the engine settles: anything due at `now` happens in the same call.
/// - Rooms run in parallel. Each has its own schedule (lobby -> session -> mingling (rounds, pauses) ->
///   lobby or its next session), waiting list and round clock; pair history, blocks and contacts are
///   event-wide. An attendee is in at most one room; a round pairs only the attendees present in its room.
/// - Deadlines: the schedule, round clocks, grace expiries and waiting groups; `nextDeadline` is the
///   earliest of them.
/// - Files: `+Apply` (state transitions), `+Notices` (who is told what), `+Attendance` (register, rooms,
///   connect, leave, remove), `+Breakout` (chat, signalling, contacts, reports, blocks), `+Rounds` (rounds,
///   grouping, admin), `+Deadlines` (what is due when), `+Plan` (reloading the event file).
public struct MinglingEngine: Sendable, Equatable {
    public internal(set) var plan: EventPlan
    public let settings: EngineSettings
    /// Seeds every random decision (with the decision's identity).
    public let seed: UInt64

    /// How many of an attendee's ended breakouts may still be answered "Good conversation?" for: the last
    /// one is what the page asks about; a few more cover leaving and being re-grouped within one round.
    static let feedbackMemory = 4

    /// Indexed by `AttendeeID.rawValue - 1`.
    var attendees: [AttendeeState] = []
    /// Every room of the plan (and any room the journal names that a reloaded plan dropped).
    var roomStates: [RoomID: RoomState] = [:]
    /// Pairs (packed) who shared a breakout in this event.
    var met: Set<UInt64> = []
    /// Pairs (packed, unordered) never to be grouped again.
    var blocked: Set<UInt64> = []
    /// "Stay in touch" requests not yet matched: requester -> whom they asked.
    var requests: [AttendeeID: Set<AttendeeID>] = [:]
    var exchanged: Set<UInt64> = []
    /// Cards each attendee received, in the order of the exchanges.
    var receivedCards: [AttendeeID: [ReceivedCard]] = [:]
    var openBreakouts: [BreakoutID: Breakout] = [:]
    var nextBreakoutNumber: UInt64 = 1
    /// Reconnect deadlines in time order; stale entries are skipped when reached.
    var graceQueue: [GraceEntry] = []
    var startedSessions: Set<SessionID> = []
    var endedSessions: Set<SessionID> = []
    var mingledSessions: Set<SessionID> = []
    var missedSessions: Set<SessionID> = []
    public internal(set) var isJoiningPaused = false
    /// The retention period after the event's last session has passed and every name, card and report text
    /// was deleted; registrations are refused from then on.
    public internal(set) var personalDataExpired = false
    public internal(set) var reports: [Report] = []
    public internal(set) var totals = EventTotals()
    /// What the call in progress produced.
    var output = EngineOutput()
    /// Rooms whose phase changed in the call in progress (one `phase` notice each at its end).
    var phaseChangedRooms: [RoomID] = []

    public init(plan: EventPlan, settings: EngineSettings = EngineSettings(), seed: UInt64 = 0) {
        self.plan = plan
        self.settings = settings
        self.seed = seed
        for room in plan.rooms { roomStates[room.id] = RoomState(id: room.id) }
    }

    /// Rebuilds an engine from a journal: `plan` as loaded now, then every journaled event in order.
    /// Follow with `handle(.recoverAfterRestart, ...)`: no connection survived the restart.
    public init<Events: Sequence>(
        plan: EventPlan, settings: EngineSettings = EngineSettings(), seed: UInt64 = 0, replaying events: Events
    ) where Events.Element == DomainEvent {
        self.init(plan: plan, settings: settings, seed: seed)
        for event in events { apply(event) }
    }

    // MARK: Inputs

    /// Validates and performs one command at `now`, then anything else due by `now`. Returns the events to
    /// journal (see `DomainEvent.isJournaled`) and the notices to deliver, in order. A refusal throws before
    /// any change. Call `tick` first when `now >= nextDeadline`, so the command sees the state of `now`.
    public mutating func handle(_ command: Command, now: Timestamp) throws(MinglingError) -> EngineOutput {
        begin()
        switch command {
        case .register(let profile, let accessCode, let room):
            try register(profile, accessCode: accessCode, room: room, now: now)
        case .connect(let id): try connect(id, now: now)
        case .disconnect(let id): try disconnect(id, now: now)
        case .enterRoom(let id, let room): try enterRoom(id, room, now: now)
        case .sendChat(let from, let text): try sendChat(from: from, text: text, now: now)
        case .signal(let from, let to, let kind, let payload):
            try relaySignal(from: from, to: to, kind: kind, payload: payload)
        case .stayInTouch(let from, let other): try stayInTouch(from: from, with: other)
        case .withdrawStayInTouch(let from, let other): try withdrawStayInTouch(from: from, with: other)
        case .leaveBreakout(let id): try leaveBreakout(id, now: now)
        case .giveFeedback(let id, let breakout, let answer): try giveFeedback(from: id, breakout: breakout, answer: answer, now: now)
        case .report(let from, let about, let reason): try report(from: from, about: about, reason: reason, now: now)
        case .block(let from, let whom): try block(from: from, whom: whom, now: now)
        case .admin(let admin): try handleAdmin(admin, now: now)
        case .eraseAttendee(let id): try erase(id, now: now)
        case .expirePersonalData: if !personalDataExpired { emit(.personalDataExpired(at: now)) }
        case .replacePlan(let newPlan): try replacePlan(newPlan, now: now)
        case .recoverAfterRestart:
            for attendee in attendees where attendee.connection == .connected && !attendee.removed {
                emit(.attendeeDisconnected(
                    attendee.id, at: now, graceEndsAt: now.adding(seconds: settings.reconnectGraceSeconds)))
            }
        }
        settle(now: now)
        return finish()
    }

    /// Performs everything due at `now`, in time order: grace expiries, round warnings and ends, next rounds,
    /// grouping of waiting attendees, the schedules. Call when `now >= nextDeadline`.
    public mutating func tick(now: Timestamp) -> EngineOutput {
        begin()
        settle(now: now)
        return finish()
    }

    private mutating func begin() {
        output = EngineOutput()
        phaseChangedRooms = []
    }

    private mutating func finish() -> EngineOutput {
        for room in phaseChangedRooms { notifyPhase(of: room) }
        let result = output
        output = EngineOutput()
        phaseChangedRooms = []
        return result
    }

    mutating func emit(_ event: DomainEvent) {
        apply(event)
        output.events.append(event)
        announce(event)
    }

    // MARK: Queries

    public func attendee(_ id: AttendeeID) -> AttendeeState? {
        let index = Int(id.rawValue) - 1
        return attendees.indices.contains(index) ? attendees[index] : nil
    }

    public var allAttendees: [AttendeeState] { attendees }

    public func room(_ id: RoomID) -> RoomState? { roomStates[id] }

    /// The plan's rooms' states, in the plan's order.
    public var rooms: [RoomState] { plan.rooms.compactMap { roomStates[$0.id] } }

    public func breakout(_ id: BreakoutID) -> Breakout? { openBreakouts[id] }

    public func breakout(of attendee: AttendeeID) -> Breakout? {
        self.attendee(attendee)?.breakout.flatMap { openBreakouts[$0] }
    }

    /// Open breakouts in the order they were formed (every room's).
    public var breakouts: [Breakout] { openBreakouts.values.sorted { $0.id < $1.id } }

    public func breakouts(in room: RoomID) -> [Breakout] {
        openBreakouts.values.filter { $0.room == room }.sorted { $0.id < $1.id }
    }

    public func haveMet(_ a: AttendeeID, _ b: AttendeeID) -> Bool { met.contains(pairKey(a, b)) }
    public func isBlocked(_ a: AttendeeID, _ b: AttendeeID) -> Bool { blocked.contains(pairKey(a, b)) }
    public func haveExchangedContacts(_ a: AttendeeID, _ b: AttendeeID) -> Bool { exchanged.contains(pairKey(a, b)) }
    public func hasRequestedStayInTouch(from: AttendeeID, to: AttendeeID) -> Bool {
        requests[from]?.contains(to) ?? false
    }
    /// Whom `id` asked to stay in touch with, not yet answered, in id order.
    public func pendingRequests(from id: AttendeeID) -> [AttendeeID] { (requests[id] ?? []).sorted() }
    /// The cards `id` received, in the order of the exchanges.
    public func cards(receivedBy id: AttendeeID) -> [ReceivedCard] { receivedCards[id] ?? [] }
    public func hasStarted(_ session: SessionID) -> Bool { startedSessions.contains(session) }
    public func hasEnded(_ session: SessionID) -> Bool { endedSessions.contains(session) }
    public func hasMingled(_ session: SessionID) -> Bool { mingledSessions.contains(session) }
    /// Every room's waiting attendees.
    public var waitingAttendees: [AttendeeID] { rooms.flatMap(\.waitingAttendees) }
    public var metPairCount: Int { met.count }

    func index(_ id: AttendeeID) -> Int { Int(id.rawValue) - 1 }

    /// The attendee if registered and not removed.
    func existing(_ id: AttendeeID) throws(MinglingError) -> AttendeeState {
        guard let attendee = attendee(id) else { throw .unknownAttendee }
        guard !attendee.removed else { throw .attendeeRemoved }
        return attendee
    }

    /// The room's state; every room the engine is asked about exists (the plan's, or made by `apply`).
    func roomState(_ id: RoomID) -> RoomState { roomStates[id] ?? RoomState(id: id) }

    /// The room's current mingling plan, if it is mingling.
    func minglingState(_ room: RoomID) -> MinglingState? {
        if case .mingling(let state) = roomStates[room]?.phase { return state }
        return nil
    }
}

struct GraceEntry: Sendable, Equatable {
    var deadline: Timestamp
    var id: AttendeeID
}

/// A contact card as it was handed over: it stays with its receiver whatever happens to the giver later.
public struct ReceivedCard: Sendable, Equatable {
    public var from: AttendeeID
    public var card: ContactCard
    public init(from: AttendeeID, card: ContactCard) { self.from = from; self.card = card }
}
