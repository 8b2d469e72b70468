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
    case admin(AdminCommand, by: String, reply: @Sendable (MinglingError?) -> Void)
    case announce(text: String, scope: AnnouncementScope, by: String)
    case replacePlan(EventPlan)
}

enum AnnouncementScope: String, Sendable { case everyone, breakouts }

/// What the hub asks of a connection.
enum Delivery: Sendable {
    /// A text frame; droppable ones are skipped for a connection whose queue is over its soft limit.
    case text([UInt8], droppable: Bool)
    /// From now on the connection speaks for this attendee.
    case bind(AttendeeID)
    case close(code: CloseCode, reason: String)
}

/// The single owner of the mingling engine. It runs on its own loop thread: connection loops
/// post inputs to it; it runs the engine, journals the resulting events (write before
/// announce), and posts deliveries back to the loops that hold the recipients' sockets.
final class MinglingHub {
    var engine: MinglingEngine
    var random: SeededRandom
    let journal: Journal
    let tokens: ResumeTokens
    let log: Log
    let connectionLoopsBox: LoopHandlesBox
    lazy var connectionLoops: [LoopHandle<LoopContext>] = connectionLoopsBox.all
    unowned let loop: EventLoop
    let wallClock: @Sendable () -> Timestamp

    var links: [AttendeeID: AttendeeLink] = [:]
    var attendeeByLink: [AttendeeLink: AttendeeID] = [:]
    /// Cards each attendee has received, and whom each asked to stay in touch with.
    var contacts: [AttendeeID: [AttendeeID]] = [:]
    var requested: [AttendeeID: Set<AttendeeID>] = [:]
    /// Who met whom in the current round (for `round_ended`).
    var metThisRound: [AttendeeID: Set<AttendeeID>] = [:]
    /// Current members of each open breakout, as announced (the engine has already moved on
    /// when an event about a departure is routed, so the audience comes from here).
    var breakoutMembers: [BreakoutID: [AttendeeID]] = [:]
    var outgoing: [Int: [(ConnectionID, Delivery)]] = [:]
    var deadlineTask: UInt64?
    var scheduledDeadline: Timestamp?
    var presenceDirty = true
    var counters = HubCounters()
    var greeting: Greeting?
    var lastPresence: [UInt8] = []
    /// The admin dashboard's last 15 minutes (MinglingHub+Dashboard.swift).
    var dashboard = DashboardHistory()
    /// Periodic work that runs only while attendees are connected.
    var busyTimers: [WhileBusyTimer] = []

    init(engine: MinglingEngine, random: SeededRandom, journal: Journal, tokens: ResumeTokens, log: Log,
         connectionLoops: LoopHandlesBox, loop: EventLoop, wallClock: @escaping @Sendable () -> Timestamp) {
        self.engine = engine
        self.random = random
        self.journal = journal
        self.tokens = tokens
        self.log = log
        self.connectionLoopsBox = connectionLoops
        self.loop = loop
        self.wallClock = wallClock
    }

    /// Rebuilds side indexes from replayed events (the engine itself replays with `apply`).
    func noteReplayed(_ event: DomainEvent) {
        counters.note(event, engine: engine)
        indexContacts(event)
    }

    /// Keeps the card and request indexes in step with contact events.
    func indexContacts(_ event: DomainEvent) {
        switch event {
        case .contactsExchanged(let a, let b, _, _):
            contacts[a, default: []].append(b)
            contacts[b, default: []].append(a)
            requested[a]?.remove(b)
            requested[b]?.remove(a)
        case .stayInTouchRequested(let from, let to): requested[from, default: []].insert(to)
        case .stayInTouchWithdrawn(let from, let to): requested[from]?.remove(to)
        default: break
        }
    }

    // MARK: Inputs

    func receive(_ input: HubInput) {
        let now = wallClock()
        // The engine runs due timers only when asked: do it first so the input sees current state.
        if let due = engine.nextDeadline, due <= now {
            record(engine.tick(now: now, random: &random), now: now)
        }
        switch input {
        case .message(let message, let link):
            handle(message, from: link, now: now)
        case .disconnected(let link):
            guard let id = attendeeByLink.removeValue(forKey: link) else { break }
            guard links[id] == link else { break }
            links[id] = nil
            run(.disconnect(id), now: now, replyTo: nil, request: "disconnect")
        case .admin(let command, let by, let reply):
            let error = run(.admin(command), now: now, replyTo: nil, request: "admin", actor: by)
            reply(error)
        case .announce(let text, let scope, let by):
            appendJournal(["{\"at\":\(now.millisecondsSinceEpoch),\"e\":\"admin_action\",\"by\":\(JSONText.quote(by)),\"action\":\"announce\",\"scope\":\"\(scope.rawValue)\"}"])
            let bytes = ServerMessage.announcement(text: text, at: now, scope: scope.rawValue)
            for (id, link) in links where scope == .everyone || engine.breakout(of: id) != nil {
                enqueue(link, .text(bytes, droppable: false))
            }
        case .replacePlan(let plan):
            run(.replacePlan(plan), now: now, replyTo: nil, request: "reload")
        }
        afterInput(now: now)
    }

    /// Runs a command through the engine, journals and routes its events. Returns the refusal.
    @discardableResult
    func run(_ command: Command, now: Timestamp, replyTo link: AttendeeLink?, request: String,
             actor: String? = nil) -> MinglingError? {
        let events: [DomainEvent]
        do {
            events = try engine.handle(command, now: now, random: &random)
        } catch {
            if let link { enqueue(link, .text(ServerMessage.error(error, request: request), droppable: false)) }
            return error
        }
        if let actor, case .admin(let admin) = command {
            appendJournal(["{\"at\":\(now.millisecondsSinceEpoch),\"e\":\"admin_action\",\"by\":\(JSONText.quote(actor)),\"action\":\(JSONText.quote(String(describing: admin)))}"])
        }
        record(events, now: now)
        return nil
    }

    /// Journal first, then announce.
    func record(_ events: [DomainEvent], now: Timestamp) {
        guard !events.isEmpty else { return }
        journal(events, now: now)
        route(events, now: now)
    }

    /// Writes the journaled events and updates the totals (before anything is announced).
    func journal(_ events: [DomainEvent], now: Timestamp) {
        appendJournal(events.filter(\.isJournaled).map { JournalCodec.encode($0, at: now) })
        for e in events { counters.note(e, engine: engine) }
    }

    func appendJournal(_ lines: [String]) {
        do { try journal.append(lines) } catch {
            log.error("journal_write_failed", ["reason": "\(error)"])
        }
    }

    func timerFired() {
        let now = wallClock()
        record(engine.tick(now: now, random: &random), now: now)
        afterInput(now: now)
    }

    /// Sends what the input produced, arms the engine's next deadline, and schedules an fsync.
    func afterInput(now: Timestamp) {
        flushOutgoing()
        if let due = syncJournalIfDue() {
            loop.schedule(at: due) { [unowned self] in self.syncJournalIfDue() }
        }
        let next = engine.nextDeadline
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

    func broadcast(_ bytes: [UInt8], droppable: Bool = false) {
        for link in links.values { enqueue(link, .text(bytes, droppable: droppable)) }
    }

    func flushOutgoing() {
        guard !outgoing.isEmpty else { return }
        let batches = outgoing
        outgoing = [:]
        for (index, items) in batches {
            connectionLoops[index].execute { _, context in
                for (id, delivery) in items {
                    context.withConnection(id, for: "hub delivery") { $0.deliver(delivery) }
                }
            }
        }
    }
}
