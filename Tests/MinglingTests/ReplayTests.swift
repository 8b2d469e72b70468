import Testing
@testable import Mingling

@Suite struct ReplayTests {
    /// A busy event: 30 attendees, rounds, leavers, a block, an exchange, a late arrival, a removal.
    func story(seed: UInt64) throws -> Harness {
        var h = Harness(seed: seed)
        let people = h.register((0..<30).map { regions[$0 % regions.count] })
        h.tick(at(0))
        h.tick(at(3600))
        let first = try #require(h.engine.breakout(of: people[0]))
        try h.handle(.stayInTouch(from: first.members[0], with: first.members[1]), at: at(3610))
        try h.handle(.stayInTouch(from: first.members[1], with: first.members[0]), at: at(3611))
        let other = try #require(h.engine.breakout(of: people[5]))
        try h.handle(.block(from: other.members[0], whom: other.members[1]), at: at(3620))
        try h.handle(.disconnect(people[7]), at: at(3630))
        _ = h.register(["dublin", "madrid"], at: at(3640))
        h.tick(at(3700))
        try h.handle(.admin(.removeAttendee(people[9], reason: "left the event")), at: at(3710))
        h.tick(at(3900))
        h.tick(at(3910))
        return h
    }

    @Test func replayRestoresState() throws {
        let h = try story(seed: 5)
        let replayed = MinglingEngine(plan: makePlan(), replaying: h.journal.filter(\.isJournaled))
        #expect(replayed.allAttendees == h.engine.allAttendees)
        #expect(replayed.met == h.engine.met)
        #expect(replayed.blocked == h.engine.blocked)
        #expect(replayed.exchanged == h.engine.exchanged)
        #expect(replayed.requests == h.engine.requests)
        #expect(replayed.phase == h.engine.phase)
        #expect(replayed.breakouts == h.engine.breakouts)
        #expect(replayed.nextBreakoutNumber == h.engine.nextBreakoutNumber)
        #expect(replayed.reports == h.engine.reports)
        #expect(replayed.nextDeadline == h.engine.nextDeadline)
    }

    @Test func nobodyIsPairedTwiceAfterACrash() throws {
        let before = try story(seed: 6)
        var h = Harness(seed: 999)
        for event in before.journal where event.isJournaled { h.engine.apply(event) }
        let metBefore = h.engine.met
        let recovered = try h.handle(.recoverAfterRestart, at: at(3950))
        #expect(!recovered.isEmpty && recovered.allSatisfy {
            if case .attendeeDisconnected(_, at(3950), at(4010)) = $0 { true } else { false }
        })
        for attendee in h.engine.allAttendees where !attendee.removed {
            if case .reconnecting = attendee.connection { try h.handle(.connect(attendee.id), at: at(3960)) }
        }
        h.tick(at(4210))
        let round3 = try #require(h.roundStarts(in: h.tick(at(4220))).first)
        for breakout in round3 {
            for (position, a) in breakout.members.enumerated() {
                for b in breakout.members[(position + 1)...] { #expect(!metBefore.contains(pairKey(a, b))) }
            }
        }
    }

    @Test func sameInputsGiveTheSameEvents() throws {
        #expect(try story(seed: 42).journal == story(seed: 42).journal)
    }
}
