import MingleTestSupport
@testable import Mingling

let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
func at(_ seconds: Int) -> Timestamp { t0.adding(seconds: seconds) }

let regions = ["viken", "innlandet", "madrid", "lombardia", "noord-brabant", "ile-de-france", "dublin"]
let languages = ["en", "no", "es", "it", "nl", "fr"]

func makePlan(
    rounds: Int = 3, roundSeconds: Int = 300, groupSize: Int = 2, policy: PairingPolicy = .mix,
    start: MingleStart = .automatic, warningSeconds: Int = 30, lateJoinWindowSeconds: Int = 30,
    prompts: [String] = ["What would you change first?"], access: Access = .open
) -> EventPlan {
    let mingle = MinglePlan(
        rounds: rounds, roundSeconds: roundSeconds, groupSize: groupSize, pairBy: "region", policy: policy,
        prompts: prompts, warningSeconds: warningSeconds, start: start, lateJoinWindowSeconds: lateJoinWindowSeconds)
    return EventPlan(
        event: EventInfo(id: "cocreation", name: "Co-creation", timeZone: "Europe/Brussels"),
        attributes: [
            AttributeDefinition(
                id: "region", label: "Region", values: regions.map { AttributeValue(id: $0, label: $0) }, required: true),
            AttributeDefinition(
                id: "attendance", label: "Attendance",
                values: [AttributeValue(id: "onsite", label: "On site"), AttributeValue(id: "remote", label: "Remote")]),
            AttributeDefinition(
                id: "languages", label: "Languages you can talk in", values: languages.map { AttributeValue(id: $0, label: $0) },
                multiple: true),
        ],
        sessions: [
            Session(id: "s1", title: "Opening", start: at(0), end: at(3600), mingle: mingle),
            Session(id: "s2", title: "Second", start: at(7200), end: at(10800), mingle: mingle),
        ],
        access: access)
}

func profile(_ name: String, _ region: String, card: ContactCard? = nil) -> Profile {
    Profile(displayName: name, attributes: ["region": region], organisation: "Org \(name)", contactCard: card)
}

/// An engine plus the events and notices seen so far, for story-style tests.
struct Harness {
    var engine: MinglingEngine
    var journal: [DomainEvent] = []
    var notices: [Notice] = []

    init(plan: EventPlan = makePlan(), seed: UInt64 = 1, settings: EngineSettings = EngineSettings()) {
        engine = MinglingEngine(plan: plan, settings: settings, seed: seed)
    }

    @discardableResult
    mutating func handle(_ command: Command, at now: Timestamp) throws(MinglingError) -> [DomainEvent] {
        let output = try engine.handle(command, now: now)
        journal += output.events
        notices += output.notices
        return output.events
    }

    @discardableResult
    mutating func tick(_ now: Timestamp) -> [DomainEvent] {
        let output = engine.tick(now: now)
        journal += output.events
        notices += output.notices
        return output.events
    }

    /// What `id` was told since the last call, in order.
    mutating func told(_ id: AttendeeID) -> [Notice.Message] {
        let mine = notices.filter { $0.to.contains(id) }.map(\.message)
        notices.removeAll()
        return mine
    }

    /// Registers attendees with the given regions; returns their ids.
    mutating func register(_ regionsOfAttendees: [String], at now: Timestamp = at(-600)) -> [AttendeeID] {
        regionsOfAttendees.enumerated().map { offset, region in
            let events = try! handle(.register(profile("p\(offset)", region), accessCode: nil), at: now)
            guard case .attendeeRegistered(let id, _, _) = events[0] else { fatalError("not registered") }
            return id
        }
    }

    func roundStarts(in events: [DomainEvent]) -> [[Breakout]] {
        events.compactMap { if case .roundStarted(_, _, _, _, _, let b, _, _) = $0 { b } else { nil } }
    }
}

extension MinglingEngine {
    /// The phase of the only room (`makePlan` has one).
    var phase: Phase { room(.single)!.phase }
}
