import Testing
@testable import Mingling

@Suite struct EngineScheduleTests {
    @Test func scheduleDrivesSessionAndAutomaticRounds() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid", "innlandet", "dublin", "viken", "madrid"])
        #expect(h.engine.nextDeadline == at(0))
        #expect(h.tick(at(0)) == [.sessionStarted(.single, "s1", at: at(0))])
        #expect(h.engine.phase == .session("s1"))
        #expect(h.engine.nextDeadline == at(3600))

        let ending = h.tick(at(3600))
        #expect(ending.prefix(2) == [.sessionEnded(.single, "s1", at: at(3600)), .minglingStarted(.single, "s1", rounds: 3, at: at(3600))])
        let round1 = try #require(h.roundStarts(in: ending).first)
        #expect(round1.count == 3)
        #expect(Set(round1.flatMap(\.members)) == Set(people))
        #expect(round1.allSatisfy { $0.endsAt == at(3900) && $0.prompt == "What would you change first?" })
        #expect(h.engine.nextDeadline == at(3870), "warning 30 s before the end")
        #expect(h.tick(at(3870)) == [.roundEndingSoon(.single, "s1", round: 1, endsAt: at(3900))])
        #expect(h.tick(at(3900)) == [.roundEnded(.single, "s1", round: 1, at: at(3900))])
        #expect(h.engine.breakouts.isEmpty)
        #expect(h.engine.nextDeadline == at(3910), "pause between rounds")

        let round2 = try #require(h.roundStarts(in: h.tick(at(3910))).first)
        for breakout in round2 {
            #expect(!round1.contains { Set($0.members) == Set(breakout.members) }, "no pair repeats")
        }
        h.tick(at(4210))
        h.tick(at(4220))
        let last = h.tick(at(4520))
        #expect(last.suffix(2) == [.roundEnded(.single, "s1", round: 3, at: at(4520)), .minglingEnded(.single, "s1", at: at(4520))])
        #expect(h.engine.phase == .lobby)
        #expect(h.engine.nextDeadline == at(7200))
        #expect(h.engine.metPairCount == 9, "three rounds of three fresh pairs")
    }

    @Test func lateTickCatchesUpInOrder() {
        var h = Harness()
        _ = h.register(["viken", "madrid"])
        let events = h.tick(at(3600))
        #expect(events.prefix(3) == [
            .sessionStarted(.single, "s1", at: at(3600)), .sessionEnded(.single, "s1", at: at(3600)),
            .minglingStarted(.single, "s1", rounds: 3, at: at(3600)),
        ])
    }

    @Test func manualMinglingWaitsForTheAdmin() throws {
        var h = Harness(plan: makePlan(start: .manual))
        _ = h.register(["viken", "madrid", "lombardia", "dublin"])
        #expect(h.tick(at(3600)).last == .sessionEnded(.single, "s1", at: at(3600)))
        #expect(h.engine.phase == .lobby)
        #expect(h.engine.nextDeadline == at(7200))
        let events = try h.handle(.admin(.startMingling(.single, nil)), at: at(3700))
        #expect(events.first == .minglingStarted(.single, "s1", rounds: 3, at: at(3700)))
        #expect(h.roundStarts(in: events).first?.count == 2)
        #expect(throws: MinglingError.minglingAlreadyRunning) { try h.handle(.admin(.startMingling(.single, nil)), at: at(3701)) }
        try h.handle(.admin(.stopMingling(.single)), at: at(3710))
        #expect(throws: MinglingError.alreadyMingled) { try h.handle(.admin(.startMingling(.single, "s1")), at: at(3720)) }
        #expect(throws: MinglingError.unknownSession) { try h.handle(.admin(.startMingling(.single, "nope")), at: at(3720)) }
    }

    @Test func adminStartDuringSessionEndsItEarly() throws {
        var h = Harness()
        _ = h.register(["viken", "madrid"])
        h.tick(at(0))
        let events = try h.handle(.admin(.startMingling(.single, nil)), at: at(1000))
        #expect(events.prefix(2) == [.sessionEnded(.single, "s1", at: at(1000)), .minglingStarted(.single, "s1", rounds: 3, at: at(1000))])
        // The scheduled end no longer starts anything.
        try h.handle(.admin(.stopMingling(.single)), at: at(1100))
        #expect(h.tick(at(3600)).isEmpty)
    }

    @Test func endExtendAndStopRounds() throws {
        var h = Harness()
        _ = h.register(["viken", "madrid", "dublin", "lombardia"])
        h.tick(at(3600))
        #expect(throws: MinglingError.invalidExtension(Limits.extendRound)) {
            try h.handle(.admin(.extendRound(.single, seconds: 0)), at: at(3610))
        }
        #expect(try h.handle(.admin(.extendRound(.single, seconds: 60)), at: at(3610)) == [.roundExtended(.single, "s1", round: 1, endsAt: at(3960))])
        #expect(h.engine.breakouts.allSatisfy { $0.endsAt == at(3960) })
        #expect(h.engine.nextDeadline == at(3930))
        #expect(try h.handle(.admin(.endRoundNow(.single)), at: at(3620)) == [.roundEnded(.single, "s1", round: 1, at: at(3620))])
        #expect(throws: MinglingError.noRoundRunning) { try h.handle(.admin(.endRoundNow(.single)), at: at(3621)) }
        #expect(h.roundStarts(in: h.tick(at(3630))).count == 1)
        #expect(try h.handle(.admin(.stopMingling(.single)), at: at(3640)) == [
            .roundEnded(.single, "s1", round: 2, at: at(3640)), .minglingEnded(.single, "s1", at: at(3640)),
        ])
        #expect(throws: MinglingError.noRoundRunning) { try h.handle(.admin(.stopMingling(.single)), at: at(3650)) }
    }

    @Test func pausedJoiningRefusesRegistrationAndLateGroups() throws {
        var h = Harness()
        #expect(try h.handle(.admin(.pauseJoining), at: at(-20)) == [.joiningPaused(at: at(-20))])
        #expect(try h.handle(.admin(.pauseJoining), at: at(-19)).isEmpty)
        #expect(throws: MinglingError.joiningPaused) {
            try h.handle(.register(profile("x", "viken"), accessCode: nil), at: at(-18))
        }
        #expect(try h.handle(.admin(.resumeJoining), at: at(-17)) == [.joiningResumed(at: at(-17))])
        _ = h.register(["viken"], at: at(-16))
    }

    @Test func reloadedPlanAppliesFromTheNextRound() throws {
        var h = Harness()
        _ = h.register(["viken", "madrid", "dublin", "lombardia"])
        h.tick(at(3600))
        try h.handle(.replacePlan(makePlan(roundSeconds: 120)), at: at(3650))
        #expect(h.engine.breakouts.allSatisfy { $0.endsAt == at(3900) }, "running round unchanged")
        h.tick(at(3900))
        let next = try #require(h.roundStarts(in: h.tick(at(3910))).first)
        #expect(next.allSatisfy { $0.endsAt == at(4030) })
    }

    @Test func sessionsWithoutMinglingJustStartAndEnd() {
        var plan = makePlan()
        plan.rooms[0].sessions[0].mingle = nil
        var h = Harness(plan: plan)
        _ = h.register(["viken", "madrid"])
        #expect(h.tick(at(3600)) == [.sessionStarted(.single, "s1", at: at(3600)), .sessionEnded(.single, "s1", at: at(3600))])
        #expect(h.engine.phase == .lobby)
    }
}
