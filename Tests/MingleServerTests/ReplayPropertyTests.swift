import Foundation
import Testing
import MingleTestSupport
@testable import MingleServer
@testable import Mingling

/// The engine holds all of the event's truth: at any cut point of a random multi-room run, the journal as
/// written (JSON lines, read back as a restart reads them) rebuilds an engine equal to the live one, and both
/// then send the same messages, byte for byte, for the next 50 commands.
@Suite struct ReplayPropertyTests {
    static let plan: EventPlan = {
        let t = Timestamp(secondsSinceEpoch: 1_800_000_000)
        // Room "a" pairs by several rules (a shared language first), the others by region alone.
        let rules = [PairingRule(attribute: "languages", policy: .share), PairingRule(attribute: "region", policy: .mix),
                     PairingRule(attribute: "attendance", policy: .mix)]
        func s(_ id: String, _ start: Int, _ end: Int, _ mingleStart: MingleStart = .automatic, rules: [PairingRule]? = nil) -> Session {
            Session(id: SessionID(id), title: id, start: t.adding(seconds: start), end: t.adding(seconds: end),
                    mingle: MinglePlan(rounds: 3, roundSeconds: 120, groupSize: 2, rules: rules, prompts: ["Hello?", "Why?"],
                                       warningSeconds: 20, start: mingleStart, lateJoinWindowSeconds: 20))
        }
        return EventPlan(
            event: EventInfo(id: "p", name: "Property", timeZone: "UTC"),
            attributes: [AttributeDefinition(id: "region", label: "Region",
                                             values: ["viken", "madrid", "dublin"].map { AttributeValue(id: $0, label: $0) }),
                         AttributeDefinition(id: "languages", label: "Languages",
                                             values: ["en", "no", "es", "ga"].map { AttributeValue(id: $0, label: $0) }, multiple: true),
                         AttributeDefinition(id: "attendance", label: "Attendance",
                                             values: ["onsite", "remote"].map { AttributeValue(id: $0, label: $0) })],
            rooms: [
                Room(id: "plenary", title: "Plenary", sessions: [s("opening", 0, 300)]),
                Room(id: "a", title: "A", sessions: [s("a1", 200, 500, rules: rules), s("a2", 1400, 1500, rules: rules)]),
                Room(id: "b", title: "B", sessions: [s("b1", 250, 450, .manual)]),
            ])
    }()
    static let rooms: [RoomID?] = ["plenary", "a", "b", nil]

    /// One random step: a command (possibly refused) or the clock moving on.
    struct Step {
        var advanceSeconds: Int
        var command: Command?
        /// "Good conversation?" from this attendee for the last breakout that ended for them (chosen when the
        /// step runs, from the engine's state, so a replayed engine makes the same choice).
        var feedback: (from: AttendeeID, answer: FeedbackAnswer)?
    }

    static func randomSteps(_ count: Int, seed: UInt64) -> [Step] {
        var dice = SplitMix64(seed: seed)
        var registered = 0
        return (0..<count).map { _ in
            let advance = Int.random(in: 0...12, using: &dice)
            let someone = AttendeeID(UInt32(Int.random(in: 1...max(1, registered), using: &dice)))
            let other = AttendeeID(UInt32(Int.random(in: 1...max(1, registered), using: &dice)))
            let room = rooms.randomElement(using: &dice)!
            let command: Command?
            var feedback: (AttendeeID, FeedbackAnswer)?
            switch Int.random(in: 0..<24, using: &dice) {
            case 0...3:
                registered += 1
                let region = ["viken", "madrid", "dublin"].randomElement(using: &dice)!
                // Their region's language, often English too; now and then only a language nobody else speaks.
                let own = ["viken": "no", "madrid": "es", "dublin": "ga"][region]!
                let spoken = Int.random(in: 0..<12, using: &dice) == 0 ? ["ga"] : (Bool.random(using: &dice) ? [own, "en"] : [own])
                let attendance = Bool.random(using: &dice) ? "onsite" : "remote"
                command = .register(Profile(displayName: "P\(registered)",
                                            attributes: ["region": [region], "languages": spoken, "attendance": [attendance]],
                                            contactCard: ContactCard(email: "p\(registered)@example.org")),
                                    accessCode: nil, room: room)
            case 4, 5: command = .enterRoom(someone, room)
            case 6: command = .disconnect(someone)
            case 7, 8: command = .connect(someone)
            case 9: command = .sendChat(from: someone, text: "hi")
            case 10: command = .leaveBreakout(someone)
            case 11, 12: command = .stayInTouch(from: someone, with: other)
            case 13: command = .withdrawStayInTouch(from: someone, with: other)
            case 14: command = .block(from: someone, whom: other)
            case 15: command = .report(from: someone, about: other, reason: "rude")
            case 16: command = .signal(from: someone, to: other, kind: .offer, payload: "sdp")
            case 17: command = room.map { .admin(.startMingling($0, nil)) }
            case 18: command = room.map { .admin(.endRoundNow($0)) }
            case 19: command = room.map { .admin(.extendRound($0, seconds: 30)) }
            case 20: command = Bool.random(using: &dice) ? .admin(.pauseJoining) : .admin(.resumeJoining)
            case 22, 23:
                command = nil
                feedback = (someone, FeedbackAnswer.allCases.randomElement(using: &dice)!)
            default: command = Int.random(in: 0..<8, using: &dice) == 0 ? .admin(.removeAttendee(someone, reason: "x")) : nil
            }
            return Step(advanceSeconds: advance, command: command, feedback: feedback)
        }
    }

    /// Runs a step as the hub does (due timers first), returning the journal lines and the messages sent.
    static func run(_ step: Step, on engine: inout MinglingEngine, now: inout Timestamp) -> (lines: [String], messages: [String]) {
        now = now.adding(seconds: step.advanceSeconds)
        var outputs: [EngineOutput] = []
        if let due = engine.nextDeadline, due <= now { outputs.append(engine.tick(now: now)) }
        var command = step.command
        if let (someone, answer) = step.feedback {
            // Mostly someone with a breakout to answer for (picked by the step's attendee number), the last that
            // ended for them, answered or not; without anyone, a breakout they were never in.
            let open = engine.allAttendees.filter { !$0.endedBreakouts.isEmpty }
            let from = open.isEmpty ? someone : open[Int(someone.rawValue) % open.count].id
            let ended = engine.attendee(from)?.endedBreakouts.last?.breakout ?? BreakoutID(UInt64(someone.rawValue))
            command = .giveFeedback(from: from, breakout: ended, answer: answer)
        }
        if let command, let output = try? engine.handle(command, now: now) { outputs.append(output) }
        var lines: [String] = []
        var messages: [String] = []
        for output in outputs {
            lines += output.events.filter(\.isJournaled).map { JournalCodec.encode($0, at: now) }
            for notice in output.notices {
                let text = String(decoding: ServerMessage.encode(notice.message, engine), as: UTF8.self)
                messages.append("\(notice.to.map(\.rawValue)) \(text)")
            }
        }
        return (lines, messages)
    }

    @Test(arguments: Array(1...12) as [UInt64])
    func replayAtAnyCutGivesTheSameEngineAndTheSameMessages(seed: UInt64) throws {
        let steps = Self.randomSteps(400, seed: seed)
        var dice = SplitMix64(seed: seed ^ 0xC0FFEE)
        let cuts = (0..<4).map { _ in Int.random(in: 0..<(steps.count - 50), using: &dice) }.sorted()
        let start = Timestamp(secondsSinceEpoch: 1_800_000_000).adding(seconds: -60)
        var live = MinglingEngine(plan: Self.plan, seed: seed)
        var now = start
        var journal: [String] = []
        var sent: [[String]] = []
        var snapshots: [Int: (MinglingEngine, [String], Timestamp)] = [:]
        for (index, step) in steps.enumerated() {
            if cuts.contains(index) { snapshots[index] = (live, journal, now) }
            let (lines, messages) = Self.run(step, on: &live, now: &now)
            journal += lines
            sent.append(messages)
        }
        #expect(live.rooms.contains { $0.totals.roundsRun > 0 }, "the run mingled")
        if let a = live.room("a"), a.totals.roundsRun > 0 { #expect(a.quality.map(\.policy) == [.share, .mix, .mix]) }
        #expect(live.rooms.contains { $0.totals.feedback.total > 0 }, "the run had feedback")
        for (cut, snapshot) in snapshots.sorted(by: { $0.key < $1.key }) {
            let (engineThen, linesThen, timeThen) = snapshot
            let events = try linesThen.compactMap { line in try JournalCodec.decode(Substring(line)) }
            var replayed = MinglingEngine(plan: Self.plan, seed: seed, replaying: events)
            #expect(replayed == engineThen, "replay at step \(cut) rebuilds the engine")
            // A compacted journal (a snapshot line, then the tail) rebuilds the same engine too.
            let half = events.count / 2
            let head = MinglingEngine(plan: Self.plan, seed: seed, replaying: events[..<half])
            let line = SnapshotCodec.encode(head.snapshot(), at: timeThen)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let state = try #require(object["state"] as? [String: Any])
            let restored = MinglingEngine(plan: Self.plan, seed: seed, snapshot: try SnapshotCodec.decode(state: state))
            #expect(restored == head, "snapshot at event \(half) of step \(cut) restores the engine")
            var compacted = restored
            for event in events[half...] { compacted.apply(event) }
            #expect(compacted == engineThen, "snapshot plus tail equals the full journal at step \(cut)")
            var clock = timeThen
            for offset in 0..<50 {
                let (_, messages) = Self.run(steps[cut + offset], on: &replayed, now: &clock)
                #expect(messages == sent[cut + offset], "step \(cut + offset) after a replay at \(cut)")
            }
        }
    }
}
