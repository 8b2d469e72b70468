import Testing
import MingleTestSupport
@testable import Mingling

/// Plans with several rules through the engine: profiles with several languages, rounds that keep every group
/// talking, and the quality each round reports.
@Suite struct EnginePairingTests {
    static func plan(rules: [PairingRule] = [PairingRule(attribute: "languages", policy: .share),
                                             PairingRule(attribute: "region", policy: .mix)],
                     groupSize: Int = 2) -> EventPlan {
        var plan = makePlan(groupSize: groupSize)
        for room in plan.rooms.indices {
            for session in plan.rooms[room].sessions.indices { plan.rooms[room].sessions[session].mingle?.rules = rules }
        }
        return plan
    }

    /// Registers people from `regions` speaking `spoken`; returns their ids.
    static func register(_ h: inout Harness, _ people: [(region: String, spoken: [String])]) -> [AttendeeID] {
        people.enumerated().map { offset, person in
            let profile = Profile(displayName: "p\(offset)", attributes: ["region": [person.region], "languages": person.spoken])
            let events = try! h.handle(.register(profile, accessCode: nil), at: at(-600))
            guard case .attendeeRegistered(let id, _, _) = events[0] else { fatalError("not registered") }
            return id
        }
    }

    static func shares(_ engine: MinglingEngine, _ breakout: Breakout) -> Bool {
        let spoken = breakout.members.map { Set(engine.attendee($0)!.profile.values(of: "languages")) }
        return !spoken.dropFirst().reduce(spoken[0]) { $0.intersection($1) }.isEmpty
    }

    @Test func everyGroupSharesALanguageAndMixesRegionsWherePossible() throws {
        var h = Harness(plan: Self.plan())
        // Norwegians who speak English, Spaniards who do not, two Spaniards who speak English, one Italian who
        // speaks Spanish: every pair can talk, and only the two Spanish-only speakers left over meet each other.
        let people = Self.register(&h, [
            ("viken", ["no", "en"]), ("viken", ["no", "en"]), ("innlandet", ["no", "en"]), ("viken", ["no"]),
            ("madrid", ["es"]), ("madrid", ["es"]), ("madrid", ["es", "en"]), ("madrid", ["es", "en"]),
            ("lombardia", ["it", "es"]), ("madrid", ["es"]),
        ])
        for round in 1...3 {
            let breakouts = Self.nextRound(&h)
            #expect(breakouts.flatMap(\.members).sorted() == people, "everyone placed in round \(round)")
            for b in breakouts { #expect(Self.shares(h.engine, b), "round \(round): \(b.members) share a language") }
        }
    }

    /// Ticks through deadlines until a round starts; its breakouts.
    static func nextRound(_ h: inout Harness) -> [Breakout] {
        for _ in 0..<20 {
            let now = max(h.engine.nextDeadline ?? at(3600), at(3600))
            if let breakouts = h.roundStarts(in: h.tick(now)).first { return breakouts }
        }
        Issue.record("no round started")
        return []
    }

    @Test func eachRoundReportsItsQualityAndTheRoomKeepsTheLast() throws {
        var h = Harness(plan: Self.plan(rules: [PairingRule(attribute: "languages", policy: .share),
                                                PairingRule(attribute: "region", policy: .mix),
                                                PairingRule(attribute: "attendance", policy: .any)]))
        // Five who speak English from two regions, and one who speaks only Italian.
        _ = Self.register(&h, [("viken", ["en"]), ("viken", ["en", "no"]), ("viken", ["en"]),
                               ("madrid", ["en", "es"]), ("madrid", ["en"]), ("lombardia", ["it"])])
        let breakouts = Self.nextRound(&h)
        guard case .roundStarted(_, _, 1, _, _, _, _, let quality)? = h.journal.last(where: { $0.kind == "round_started" })
        else { Issue.record("no round"); return }
        let sharing = breakouts.count { Self.shares(h.engine, $0) }
        let mixing = breakouts.count { b in Set(b.members.map { h.engine.attendee($0)!.profile.values(of: "region") }).count > 1 }
        // The five English speakers make a trio and a pair; the Italian speaker joins the pair (placed, counted).
        #expect(breakouts.map(\.members.count).sorted() == [3, 3])
        #expect(quality == [
            RuleQuality(attribute: "languages", policy: .share, satisfied: sharing, groups: 2, best: 1, alone: 1),
            RuleQuality(attribute: "region", policy: .mix, satisfied: mixing, groups: 2, best: 2),
            RuleQuality(attribute: "attendance", policy: .any, satisfied: 2, groups: 2, best: 2),
        ])
        #expect(sharing == 1 && mixing == 2, "the Italian speaker's group shares nothing; every group mixes")
        #expect(h.engine.room(.single)?.quality == quality)
        let replayed = MinglingEngine(plan: h.engine.plan, seed: 1, replaying: h.journal.filter(\.isJournaled))
        #expect(replayed.room(.single)?.quality == quality, "the journal keeps it")
        #expect(MinglingEngine(plan: h.engine.plan, seed: 1, snapshot: h.engine.snapshot()) == h.engine)
    }
}
