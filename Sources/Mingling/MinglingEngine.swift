/// The mingling domain as one deterministic state machine.
///
/// Theory of operation.
/// - Inputs: `handle(_:now:random:)` for commands, `tick(now:random:)` when `now >= nextDeadline`.
///   The caller reads the wall clock and passes `now`; randomness comes from the caller's generator.
/// - Outputs: past-tense `DomainEvent`s. Every state change goes through `apply(_:)`; `handle` and `tick`
///   only decide (validate, draw random numbers, pick groups) and emit. Replaying the journaled events
///   through `apply` on a fresh engine rebuilds registrations, pair history, blocks, exchanged contacts and
///   the running round, so nobody is paired twice after a crash.
/// - A command is validated completely before its first event is emitted; a refusal (`MinglingError`)
///   changes nothing. After a command the engine settles: anything due at `now` (such as grouping
///   waiting attendees) happens in the same call.
/// - Phases: lobby -> session -> mingling (rounds, pauses between them) -> lobby or the next session.
///   The schedule (session start and end, automatic mingling) and the round clock (warning, end, pause)
///   are deadlines; `nextDeadline` is the earliest of them, grace expiries and waiting groups included.
/// - Files: `+Apply` (state transitions), `+Attendance` (register, connect, leave, remove),
///   `+Breakout` (chat, signalling, contacts, reports, blocks), `+Rounds` (schedule, rounds, grouping),
///   `+Deadlines` (what is due when).
public struct MinglingEngine: Sendable {
    public internal(set) var plan: EventPlan
    public let settings: EngineSettings

    /// Indexed by `AttendeeID.rawValue - 1`.
    var attendees: [AttendeeState] = []
    /// Pairs (packed) who shared a breakout in this event.
    var met: Set<UInt64> = []
    /// Pairs (packed, unordered) never to be grouped again.
    var blocked: Set<UInt64> = []
    /// Directed "stay in touch" requests not yet matched.
    var stayRequests: Set<UInt64> = []
    var exchanged: Set<UInt64> = []
    var openBreakouts: [BreakoutID: Breakout] = [:]
    var nextBreakoutNumber: UInt64 = 1
    /// Late arrivals and abandoned partners, in arrival order.
    var waiting: [(id: AttendeeID, eligibleAt: Timestamp)] = []
    /// Reconnect deadlines in time order; stale entries are skipped when reached.
    var graceQueue: [(deadline: Timestamp, id: AttendeeID)] = []
    public internal(set) var phase: Phase = .lobby
    var startedSessions: Set<SessionID> = []
    var endedSessions: Set<SessionID> = []
    var mingledSessions: Set<SessionID> = []
    public internal(set) var isJoiningPaused = false
    public internal(set) var reports: [Report] = []
    /// Events emitted by the call in progress.
    var outbox: [DomainEvent] = []

    public init(plan: EventPlan, settings: EngineSettings = EngineSettings()) {
        self.plan = plan
        self.settings = settings
    }

    /// Rebuilds an engine from a journal: `plan` as loaded now, then every journaled event in order.
    /// Follow with `handle(.recoverAfterRestart, ...)`: no connection survived the restart.
    public init<Events: Sequence>(
        plan: EventPlan, settings: EngineSettings = EngineSettings(), replaying events: Events
    ) where Events.Element == DomainEvent {
        self.init(plan: plan, settings: settings)
        for event in events { apply(event) }
    }

    // MARK: Inputs

    /// Validates and performs one command at `now`, then anything else due by `now`. Returns the events to
    /// journal (see `DomainEvent.isJournaled`) and announce, in order. A refusal throws before any change.
    /// Call `tick` first when `now >= nextDeadline`, so the command sees the state of `now` (the server's
    /// loop does this by running due timers before reading input).
    public mutating func handle<R: RandomNumberGenerator>(
        _ command: Command, now: Timestamp, random: inout R
    ) throws(MinglingError) -> [DomainEvent] {
        outbox = []
        switch command {
        case .register(let profile, let accessCode): try register(profile, accessCode: accessCode, now: now)
        case .connect(let id): try connect(id, now: now)
        case .disconnect(let id): try disconnect(id, now: now)
        case .sendChat(let from, let text): try sendChat(from: from, text: text, now: now)
        case .signal(let from, let to, let kind, let payload):
            try relaySignal(from: from, to: to, kind: kind, payload: payload)
        case .stayInTouch(let from, let other): try stayInTouch(from: from, with: other)
        case .withdrawStayInTouch(let from, let other): try withdrawStayInTouch(from: from, with: other)
        case .leaveBreakout(let id): try leaveBreakout(id, now: now)
        case .report(let from, let about, let reason): try report(from: from, about: about, reason: reason, now: now)
        case .block(let from, let whom): try block(from: from, whom: whom, now: now)
        case .admin(let admin): try handleAdmin(admin, now: now, random: &random)
        case .replacePlan(let newPlan): emit(.planReplaced(newPlan))
        case .recoverAfterRestart:
            for attendee in attendees where attendee.connection == .connected {
                emit(.attendeeDisconnected(
                    attendee.id, at: now, graceEndsAt: now.adding(seconds: settings.reconnectGraceSeconds)))
            }
        }
        settle(now: now, random: &random)
        return outbox
    }

    /// Performs everything due at `now`, in time order: grace expiries, round warnings and ends, the next
    /// round, grouping of waiting attendees, the schedule. Call when `now >= nextDeadline`.
    public mutating func tick<R: RandomNumberGenerator>(now: Timestamp, random: inout R) -> [DomainEvent] {
        outbox = []
        settle(now: now, random: &random)
        return outbox
    }

    mutating func emit(_ event: DomainEvent) {
        apply(event)
        outbox.append(event)
    }

    // MARK: Queries

    public func attendee(_ id: AttendeeID) -> AttendeeState? {
        let index = Int(id.rawValue) - 1
        return attendees.indices.contains(index) ? attendees[index] : nil
    }

    public var allAttendees: [AttendeeState] { attendees }

    public func breakout(_ id: BreakoutID) -> Breakout? { openBreakouts[id] }

    public func breakout(of attendee: AttendeeID) -> Breakout? {
        self.attendee(attendee)?.breakout.flatMap { openBreakouts[$0] }
    }

    /// Open breakouts in the order they were formed.
    public var breakouts: [Breakout] { openBreakouts.values.sorted { $0.id < $1.id } }

    public func haveMet(_ a: AttendeeID, _ b: AttendeeID) -> Bool { met.contains(pairKey(a, b)) }
    public func isBlocked(_ a: AttendeeID, _ b: AttendeeID) -> Bool { blocked.contains(pairKey(a, b)) }
    public func haveExchangedContacts(_ a: AttendeeID, _ b: AttendeeID) -> Bool { exchanged.contains(pairKey(a, b)) }
    public func hasRequestedStayInTouch(from: AttendeeID, to: AttendeeID) -> Bool {
        stayRequests.contains(directedKey(from: from, to: to))
    }
    public var waitingAttendees: [AttendeeID] { waiting.map(\.id) }
    public var metPairCount: Int { met.count }

    func index(_ id: AttendeeID) -> Int { Int(id.rawValue) - 1 }

    /// The attendee if registered and not removed.
    func existing(_ id: AttendeeID) throws(MinglingError) -> AttendeeState {
        guard let attendee = attendee(id) else { throw .unknownAttendee }
        guard !attendee.removed else { throw .attendeeRemoved }
        return attendee
    }
}
