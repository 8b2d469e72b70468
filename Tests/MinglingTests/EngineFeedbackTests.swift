import Testing
@testable import Mingling

/// "Good conversation?" after a breakout: once per attendee and breakout, only for a breakout that ended for
/// them, within the window; told to nobody else; counted per round and per room; rebuilt by a replay.
@Suite struct EngineFeedbackTests {
    /// Four attendees in two pairs, round 1 running (3600...3900); returns the two breakouts.
    func twoPairs(_ h: inout Harness) throws -> (Breakout, Breakout) {
        for (offset, region) in ["viken", "madrid", "dublin", "lombardia"].enumerated() {
            try h.handle(.register(profile("p\(offset)", region), accessCode: nil), at: at(-60))
        }
        h.tick(at(3600))
        let breakouts = h.engine.breakouts
        try #require(breakouts.count == 2)
        return (breakouts[0], breakouts[1])
    }

    @Test func answeredOnceForABreakoutThatEndedWithinTheWindow() throws {
        var h = Harness()
        let (one, two) = try twoPairs(&h)
        let (kari, partner) = (one.members[0], one.members[1])
        #expect(throws: MinglingError.unknownBreakout, "not before it ended") {
            try h.handle(.giveFeedback(from: kari, breakout: one.id, answer: .yes), at: at(3700))
        }
        h.tick(at(3900))
        _ = h.told(kari)
        #expect(try h.handle(.giveFeedback(from: kari, breakout: one.id, answer: .yes), at: at(3905)) == [
            .feedbackGiven(kari, one.id, answer: .yes, room: .single, session: "s1", round: 1, at: at(3905)),
        ])
        #expect(h.notices == [Notice(to: [kari], .feedbackRecorded(one.id, .yes))], "the partner is told nothing")
        #expect(throws: MinglingError.feedbackAlreadyGiven) {
            try h.handle(.giveFeedback(from: kari, breakout: one.id, answer: .no), at: at(3906))
        }
        #expect(throws: MinglingError.unknownBreakout, "only a breakout you were in") {
            try h.handle(.giveFeedback(from: two.members[0], breakout: one.id, answer: .no), at: at(3906))
        }
        #expect(throws: MinglingError.feedbackClosed) {
            try h.handle(.giveFeedback(from: partner, breakout: one.id, answer: .no),
                         at: one.endsAt.adding(seconds: h.engine.settings.feedbackWindowSeconds + 1))
        }
        let room = try #require(h.engine.room(.single))
        #expect(room.totals.feedback == FeedbackCounts(yes: 1))
        #expect(room.feedbackByRound == [RoundFeedback(session: "s1", round: 1, counts: FeedbackCounts(yes: 1))])
        #expect(MinglingError.feedbackClosed.code.rawValue == "feedback_closed")
    }

    @Test func leavingEarlyMayBeAnsweredAndCountsForItsRound() throws {
        var h = Harness()
        _ = try twoPairs(&h)
        h.tick(at(3900))
        h.tick(at(3910))
        let round2 = h.engine.breakouts
        try #require(round2.count == 2 && h.engine.room(.single)?.phase.round == 2)
        let (leaver, stayer) = (round2[0].members[0], round2[0].members[1])
        try h.handle(.leaveBreakout(leaver), at: at(3950))
        try h.handle(.giveFeedback(from: leaver, breakout: round2[0].id, answer: .no), at: at(3951))
        // The partner left alone: their breakout closed too; they answer so-so.
        try h.handle(.giveFeedback(from: stayer, breakout: round2[0].id, answer: .soSo), at: at(3952))
        h.tick(at(4210))
        try h.handle(.giveFeedback(from: round2[1].members[0], breakout: round2[1].id, answer: .yes), at: at(4215))
        let room = try #require(h.engine.room(.single))
        #expect(room.totals.feedback == FeedbackCounts(yes: 1, soSo: 1, no: 1))
        #expect(room.feedbackByRound == [RoundFeedback(session: "s1", round: 2, counts: FeedbackCounts(yes: 1, soSo: 1, no: 1))])
        var replayed = MinglingEngine(plan: h.engine.plan, seed: 1, replaying: h.journal.filter(\.isJournaled))
        #expect(replayed == h.engine, "a replay counts the same and remembers who answered")
        #expect(throws: MinglingError.feedbackAlreadyGiven) {
            try replayed.handle(.giveFeedback(from: leaver, breakout: round2[0].id, answer: .yes), now: at(4216))
        }
        #expect(MinglingEngine(plan: h.engine.plan, seed: 1, snapshot: h.engine.snapshot()) == h.engine)
    }

    @Test func onlyTheLastFewBreakoutsAreRememberedAndErasureForgetsThem() throws {
        var h = Harness()
        let (one, _) = try twoPairs(&h)
        let kari = one.members[0]
        h.tick(at(3900))
        #expect(h.engine.attendee(kari)?.endedBreakouts.map(\.breakout) == [one.id])
        try h.handle(.eraseAttendee(kari), at: at(3901))
        #expect(h.engine.attendee(kari)?.endedBreakouts.isEmpty == true)
        #expect(MinglingEngine.feedbackMemory == 4)
    }
}

extension Phase {
    var round: Int? { if case .mingling(let m) = self { m.round } else { nil } }
}
