#if canImport(Glibc)
import Glibc
#endif
import EventLoop
import Mingling
import WebSocket

/// Where an attendee's socket lives: which loop, which connection.
struct AttendeeLink: Hashable, Sendable {
    let loop: Int
    let connection: ConnectionID
}

/// What connection loops (and the admin side) ask of the hub.
enum HubInput: Sendable {
    case message(ClientMessage, from: AttendeeLink)
    case disconnected(AttendeeLink)
    case admin(AdminCommand, by: String, reply: @Sendable (HubRefusal?) -> Void)
    /// To everyone, to everyone in breakouts, or to everyone in one room.
    case announce(text: String, scope: AnnouncementScope, room: RoomID?, by: String, reply: @Sendable (HubRefusal?) -> Void)
    case replacePlan(EventPlan, reply: @Sendable (HubRefusal?) -> Void)
}

/// Why the hub did not do what an admin (or a reload) asked: the engine refused, or the journal cannot take
/// writes right now (`unavailable`).
struct HubRefusal: Error, Sendable, CustomStringConvertible {
    var code: ErrorCode
    var message: String
    init(_ error: MinglingError) { code = error.code; message = error.description }
    init(unavailable reason: String) { code = .unavailable; message = reason }
    var description: String { "\(code.rawValue): \(message)" }
}

enum AnnouncementScope: String, Sendable { case everyone, breakouts }

/// What the hub asks of a connection.
enum Delivery: Sendable {
    /// A text frame; droppable ones are skipped for a connection whose queue is over its soft limit.
    case text([UInt8], droppable: Bool)
    /// From now on the connection speaks for this attendee, who is in `room`.
    case bind(AttendeeID, room: RoomID?)
    /// The attendee moved to another room (for the connection log).
    case room(RoomID?)
    case close(code: CloseCode, reason: String)
}

/// The single owner of the mingling engine, a thin adapter around it. It runs on its own loop thread:
/// connection loops post inputs; the hub runs them through the engine, journals the resulting events
/// (write before announce), encodes the engine's notices and posts them to the loops that hold the
/// recipients' sockets. It keeps no domain state of its own: only which socket speaks for whom.
final class MinglingHub {
    var engine: MinglingEngine
    let journal: Journal
    let tokens: ResumeTokens
    let log: Log
    let connectionLoopsBox: LoopHandlesBox
    lazy var connectionLoops: [LoopHandle<LoopContext>] = connectionLoopsBox.all
    unowned let loop: EventLoop
    let wallClock: @Sendable () -> Timestamp

    var links: [AttendeeID: AttendeeLink] = [:]
    var attendeeByLink: [AttendeeLink: AttendeeID] = [:]
    var outgoing: [Int: [(ConnectionID, Delivery)]] = [:]
    var deadlineTask: UInt64?
    var scheduledDeadline: Timestamp?
    /// Presence (per room) and the room list are sent about every 2 s while they change.
    var presenceDirty = true
    var roomsDirty = true
    var lastPresence: [RoomID: [UInt8]] = [:]
    var lastRooms: [UInt8] = []
    var lastRoomsSentAt: Timestamp?
    var lastRoomPhases: [Phase] = []
    /// The room list a page gets right after its `welcome`, reused for `RoomListSnapshot.maxAge` while no room's
    /// phase changes: computing it visits every attendee, and in a join storm every join asks for it.
    var greetingRooms: RoomListSnapshot?
    /// The same for the `presence` a newcomer to a room gets at once, per room.
    var enteringPresences: [RoomID: RoomListSnapshot] = [:]
    /// The plan's `event` object as JSON, made once per plan (every welcome carries it); only `.replacePlan`
    /// changes the plan, and it clears this.
    var encodedEvent: String?
    /// Attendees back in a room's lobby since the last room list: they get the list at the next tick even if it
    /// did not change (they could not see it while in their breakout).
    var roomsWanted: Set<AttendeeID> = []
    var greeting: Greeting?
    /// The admin dashboard's last 15 minutes (MinglingHub+Dashboard.swift).
    var dashboard = DashboardHistory()
    /// Periodic work that runs only while attendees are connected.
    var busyTimers: [WhileBusyTimer] = []
    /// Resume tokens are refused after the event's last session plus this (ServerSettings).
    var resumeTokensValidAfterEventSeconds = 86_400
    var resumeTokensValidUntil: Timestamp? {
        engine.plan.lastSessionEnd?.adding(seconds: resumeTokensValidAfterEventSeconds)
    }
    /// The journal's state: healthy, or failing since a write or fsync failed (MinglingHub+Durability.swift).
    var durability = Durability()
    /// Short-lived TURN credentials for attendees in breakouts (MinglingHub+Turn.swift); nil without `turn.*`.
    var turn: TurnCredentials?
    var turnRenewals = TurnRenewals()
    var turnRenewalTask: UInt64?
    var scheduledTurnRenewal: Timestamp?
    /// Call outcomes the browsers report (MinglingHub+Calls.swift): live counts, not the event's record.
    var calls = CallStats()
    /// Where each call report is also written (the connection log), for `mingle logs summary`.
    var callLog: (@Sendable (ConnectionLogEvent) -> Void)?

    init(engine: MinglingEngine, journal: Journal, tokens: ResumeTokens, log: Log, connectionLoops: LoopHandlesBox,
         loop: EventLoop, wallClock: @escaping @Sendable () -> Timestamp) {
        self.engine = engine
        self.journal = journal
        self.tokens = tokens
        self.log = log
        self.connectionLoopsBox = connectionLoops
        self.loop = loop
        self.wallClock = wallClock
    }

    // MARK: Inputs

    func receive(_ input: HubInput) {
        let now = wallClock()
        if let reason = durability.failure {
            refuseWhileFailing(input, reason: reason, now: now)
            afterInput(now: now)
            return
        }
        // The engine runs due timers only when asked: do it first so the input sees current state.
        if let due = engine.nextDeadline, due <= now { commit(engine.tick(now: now), now: now) }
        switch input {
        case .message(let message, let link):
            handle(message, from: link, now: now)
        case .disconnected(let link):
            guard let id = attendeeByLink.removeValue(forKey: link) else { break }
            guard links[id] == link else { break }
            links[id] = nil
            turnRenewals.forget(id)
            run(.disconnect(id), now: now, replyTo: nil, request: "disconnect")
        case .admin(let command, let by, let reply):
            reply(run(.admin(command), now: now, replyTo: nil, request: "admin", actor: by))
        case .announce(let text, let scope, let room, let by, let reply):
            reply(announce(text, scope: scope, room: room, by: by, now: now))
        case .replacePlan(let plan, let reply):
            let refusal = run(.replacePlan(plan), now: now, replyTo: nil, request: "reload")
            if refusal == nil { greeting?.update(plan); roomsDirty = true; forgetSnapshots(); encodedEvent = nil }
            reply(refusal)
        }
        afterInput(now: now)
    }

    /// Runs a command through the engine, journals its events and delivers its notices. Returns the refusal:
    /// the engine's, or `unavailable` when the journal did not take the events (then nothing of the command
    /// happened: the engine is back at what the journal holds, and nobody was told anything).
    @discardableResult
    func run(_ command: Command, now: Timestamp, replyTo link: AttendeeLink?, request: String,
             actor: String? = nil) -> HubRefusal? {
        let output: EngineOutput
        do {
            output = try engine.handle(command, now: now)
        } catch {
            if let link { enqueue(link, .text(ServerMessage.error(error, request: request), droppable: false)) }
            return HubRefusal(error)
        }
        var record: [String] = []
        if let actor, case .admin(let admin) = command {
            record.append(JournalCodec.adminAction(String(describing: admin), by: actor, at: now))
        }
        guard commit(output, now: now, record: record) else {
            if let link { refuse(link, .unavailable, Durability.refusal, request) }
            return HubRefusal(unavailable: Durability.refusal)
        }
        return nil
    }

    /// Journal first, then tell; nothing is told when the journal fails.
    @discardableResult
    func commit(_ output: EngineOutput, now: Timestamp, record: [String] = []) -> Bool {
        guard persist(output.events, now: now, record: record) else { return false }
        deliver(output.notices)
        return true
    }

    /// Writes `record` and the journaled events (before anything is told) and notes what the periodic updates
    /// must show. On a failure the engine is rebuilt from the journal and the hub refuses changes until the
    /// journal takes writes again (MinglingHub+Durability.swift).
    func persist(_ events: [DomainEvent], now: Timestamp, record: [String] = []) -> Bool {
        let lines = record + events.filter(\.isJournaled).map { JournalCodec.encode($0, at: now) }
        guard !lines.isEmpty else { return true }
        do {
            try journal.append(lines)
        } catch {
            journalFailed(error, now: now)
            return false
        }
        if events.contains(where: \.isJournaled) {
            presenceDirty = true
            roomsDirty = true
        }
        if events.contains(where: { if case .attendeeErased = $0 { true } else if case .personalDataExpired = $0 { true } else { false } }) {
            // Deleting personal data means deleting it from the disk too: the journal is rewritten now, before
            // anyone is told it is done.
            durability.compactionDue = true
            compactIfDue(now: now)
        }
        return true
    }

    func refuse(_ link: AttendeeLink, _ code: ErrorCode, _ message: String, _ request: String) {
        enqueue(link, .text(ServerMessage.error(ProtocolError(code: code, message: message, request: request)), droppable: false))
    }

    func announce(_ text: String, scope: AnnouncementScope, room: RoomID?, by: String, now: Timestamp) -> HubRefusal? {
        let record = JournalCodec.adminAction("announce", by: by, at: now, extra: ["scope": scope.rawValue, "room": room?.rawValue])
        guard persist([], now: now, record: [record]) else { return HubRefusal(unavailable: Durability.refusal) }
        let bytes = ServerMessage.announcement(text: text, at: now, scope: scope.rawValue, room: room)
        for (id, link) in links {
            guard let attendee = engine.attendee(id) else { continue }
            if let room, attendee.room != room { continue }
            if scope == .breakouts && attendee.breakout == nil { continue }
            enqueue(link, .text(bytes, droppable: false))
        }
        return nil
    }

    func timerFired() {
        let now = wallClock()
        // While the journal fails the engine stands still; its deadlines catch up once it recovers.
        if durability.failure == nil { commit(engine.tick(now: now), now: now) }
        afterInput(now: now)
    }

    /// Sends what the input produced, arms the engine's next deadline, and schedules an fsync.
    func afterInput(now: Timestamp) {
        flushOutgoing()
        compactIfDue(now: now)
        if let due = syncJournalIfDue() {
            loop.schedule(at: due) { [unowned self] in self.syncJournalIfDue() }
        }
        armTurnRenewal(now: now)
        let next = durability.failure == nil ? engine.nextDeadline : nil
        if next != scheduledDeadline {
            if let t = deadlineTask { loop.cancel(t) }
            deadlineTask = nil
            scheduledDeadline = next
            if let next {
                let delay = max(0, now.milliseconds(until: next))
                deadlineTask = loop.schedule(at: .now + .milliseconds(delay)) { [unowned self] in
                    self.deadlineTask = nil
                    self.scheduledDeadline = nil
                    self.timerFired()
                }
            }
        }
    }

    // MARK: Output

    func enqueue(_ link: AttendeeLink, _ delivery: Delivery) {
        outgoing[link.loop, default: []].append((link.connection, delivery))
    }

    func send(_ id: AttendeeID, _ bytes: [UInt8], droppable: Bool = false) {
        if let link = links[id] { enqueue(link, .text(bytes, droppable: droppable)) }
    }

    /// Each notice encoded once, then queued for every recipient who has a socket here.
    func deliver(_ notices: [Notice]) {
        for notice in notices {
            let recipients = notice.to.filter { links[$0] != nil }
            guard !recipients.isEmpty else { continue }
            if case .breakout = notice.message, turn != nil {
                // Before the breakout itself: the page sets up its calls as the breakout arrives.
                let now = wallClock()
                for id in recipients { sendTurnCredential(id, now: now) }
            }
            let bytes = ServerMessage.encode(notice.message, engine)
            let droppable = ServerMessage.isDroppable(notice.message)
            for id in recipients { send(id, bytes, droppable: droppable) }
            switch notice.message {
            case .roomEntered(let room):
                for id in recipients { if let link = links[id] { enqueue(link, .room(room)) } }
                // Who is in the room now: the newcomer should not wait for the next change to see it.
                if let room, let presence = enteringPresence(room, now: wallClock()) {
                    for id in recipients { send(id, presence, droppable: true) }
                }
            case .roundEnded, .leftBreakout, .breakoutClosed:
                roomsWanted.formUnion(recipients)
            case .removed, .erased:
                let (code, reason): (CloseCode, String) = notice.message == .erased
                    ? (.dataDeleted, "your data was deleted") : (.removedByOrganisers, "removed by the organisers")
                for id in recipients {
                    turnRenewals.forget(id)
                    guard let link = links.removeValue(forKey: id) else { continue }
                    enqueue(link, .close(code: code, reason: reason))
                    attendeeByLink[link] = nil
                }
            default:
                break
            }
        }
    }

    func flushOutgoing() {
        guard !outgoing.isEmpty else { return }
        let batches = outgoing
        outgoing = [:]
        for (index, items) in batches {
            connectionLoops[index].execute { _, context in
                // Consecutive deliveries to one connection leave in one flush (one TLS record, one send):
                // a joiner's welcome, room list and presence together.
                var start = 0
                while start < items.count {
                    let id = items[start].0
                    var end = start + 1
                    while end < items.count && items[end].0 == id { end += 1 }
                    let run = items[start..<end].lazy.map(\.1)
                    context.withConnection(id, for: "hub delivery", deliveries: end - start) { $0.deliver(run) }
                    start = end
                }
            }
        }
    }
}
