import Testing
import MingleTestSupport
@testable import Mingling

/// Random attendee behaviour (arrivals, leaving, dropping, blocking, chatting) over whole events, checking
/// the engine's invariants after every step and that the journal replays to the same state.
@Suite struct EngineSimulationTests {
    func checkInvariants(_ engine: MinglingEngine) {
        var seen: Set<AttendeeID> = []
        for breakout in engine.breakouts {
            #expect(breakout.members.count >= 2, "no breakout of one")
            for member in breakout.members {
                #expect(seen.insert(member).inserted, "\(member) in two breakouts")
                #expect(engine.attendee(member)?.breakout == breakout.id)
                #expect(engine.attendee(member)?.removed == false)
            }
            for (position, a) in breakout.members.enumerated() {
                for b in breakout.members[(position + 1)...] { #expect(!engine.isBlocked(a, b)) }
            }
        }
        for attendee in engine.allAttendees where attendee.breakout != nil {
            #expect(seen.contains(attendee.id))
        }
        for id in engine.waitingAttendees {
            #expect(engine.attendee(id)?.breakout == nil && engine.attendee(id)?.connection == .connected)
        }
    }

    @Test(arguments: Array(1...20) as [UInt64])
    func randomEventsKeepInvariantsAndReplay(seed: UInt64) throws {
        var dice = SplitMix64(seed: seed &* 1_000_003)
        let groupSize = Int.random(in: 2...4, using: &dice)
        var h = Harness(plan: makePlan(rounds: 4, roundSeconds: 240, groupSize: groupSize), seed: seed)
        let initial = Int.random(in: 0...60, using: &dice)
        var people = h.register((0..<initial).map { _ in regions[Int.random(in: 0..<3, using: &dice)] })
        var now = at(3500)
        while now < at(5200) {
            now = now.adding(seconds: Int.random(in: 1...20, using: &dice))
            if let deadline = h.engine.nextDeadline, deadline <= now { h.tick(now) }
            checkInvariants(h.engine)
            guard !people.isEmpty else {
                people += h.register(["dublin"], at: now)
                continue
            }
            let someone = people[Int.random(in: 0..<people.count, using: &dice)]
            let other = people[Int.random(in: 0..<people.count, using: &dice)]
            let command: Command
            switch Int.random(in: 0..<10, using: &dice) {
            case 0: command = .register(profile("late", regions.randomElement(using: &dice)!), accessCode: nil)
            case 1: command = .disconnect(someone)
            case 2: command = .connect(someone)
            case 3: command = .leaveBreakout(someone)
            case 4: command = .block(from: someone, whom: other)
            case 5: command = .stayInTouch(from: someone, with: other)
            case 6: command = .sendChat(from: someone, text: "hello")
            case 7: command = .signal(from: someone, to: other, kind: .offer, payload: "sdp")
            case 8: command = .admin(.removeAttendee(someone, reason: "test"))
            case 9 where Bool.random(using: &dice):
                let ended = h.engine.attendee(someone)?.endedBreakouts.last?.breakout ?? BreakoutID(1)
                command = .giveFeedback(from: someone, breakout: ended, answer: FeedbackAnswer.allCases.randomElement(using: &dice)!)
            default: command = .connect(someone)
            }
            do {
                let events = try h.handle(command, at: now)
                for case .attendeeRegistered(let id, _, _) in events { people.append(id) }
            } catch {
                #expect(!error.code.rawValue.isEmpty)
            }
            checkInvariants(h.engine)
        }
        let rounds = h.journal.filter { if case .roundStarted(_, _, _, _, _, let b, _, _) = $0 { !b.isEmpty } else { false } }
        #expect(initial < 4 || rounds.count >= 3, "the simulation ran rounds")
        var replayed = MinglingEngine(plan: h.engine.plan)
        for event in h.journal where event.isJournaled { replayed.apply(event) }
        #expect(replayed.allAttendees == h.engine.allAttendees)
        #expect(replayed.met == h.engine.met)
        #expect(replayed.blocked == h.engine.blocked)
        #expect(replayed.exchanged == h.engine.exchanged)
        #expect(replayed.phase == h.engine.phase)
        #expect(replayed.breakouts == h.engine.breakouts)
        #expect(replayed.waitingAttendees == h.engine.waitingAttendees)
        #expect(replayed.rooms == h.engine.rooms, "rooms, their totals and feedback counts")
    }
}
