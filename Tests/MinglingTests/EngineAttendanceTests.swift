import Testing
@testable import Mingling

@Suite struct EngineAttendanceTests {
    @Test func registrationIsValidated() throws {
        var h = Harness(plan: makePlan(access: .accessCode("ESCO26")))
        #expect(throws: MinglingError.invalidAccessCode) { try h.handle(.register(profile("a", "viken"), accessCode: "x"), at: at(-9)) }
        #expect(throws: MinglingError.invalidAccessCode) { try h.handle(.register(profile("a", "viken"), accessCode: nil), at: at(-9)) }
        #expect(throws: MinglingError.unknownAttributeValue(attribute: "region", value: "mars")) {
            try h.handle(.register(profile("a", "mars"), accessCode: "ESCO26"), at: at(-9))
        }
        var odd = profile("a", "viken")
        odd.attributes["sector"] = ["health"]
        #expect(throws: MinglingError.unknownAttribute("sector")) { try h.handle(.register(odd, accessCode: "ESCO26"), at: at(-9)) }
        #expect(throws: MinglingError.missingAttribute("region")) {
            try h.handle(.register(Profile(displayName: "a"), accessCode: "ESCO26"), at: at(-9))
        }
        #expect(throws: MinglingError.invalidProfile(field: "displayName")) {
            try h.handle(.register(profile("  ", "viken"), accessCode: "ESCO26"), at: at(-9))
        }
        #expect(MinglingError.invalidProfile(field: "displayName").code == .invalidProfile)
        let events = try h.handle(.register(profile("Kari", "viken"), accessCode: "ESCO26"), at: at(-9))
        #expect(events == [
            .attendeeRegistered(AttendeeID(1), profile("Kari", "viken"), at: at(-9)),
            .attendeeEnteredRoom(AttendeeID(1), .single, at: at(-9)),
        ])
    }

    @Test func oddCountMakesOneTrio() throws {
        var h = Harness()
        _ = h.register(["viken", "madrid", "dublin", "viken", "madrid", "dublin", "innlandet"])
        let round = try #require(h.roundStarts(in: h.tick(at(3600))).first)
        #expect(round.map(\.members.count).sorted() == [2, 2, 3])
    }

    @Test func everyoneFromOneRegionUnderMixIsStillGrouped() throws {
        var h = Harness()
        let people = h.register(Array(repeating: "viken", count: 5))
        let round = try #require(h.roundStarts(in: h.tick(at(3600))).first)
        #expect(round.map(\.members.count).sorted() == [2, 3])
        #expect(Set(round.flatMap(\.members)) == Set(people))
    }

    @Test func noWarningWhenWarningSecondsIsZero() {
        var h = Harness(plan: makePlan(warningSeconds: 0))
        _ = h.register(["viken", "madrid"])
        h.tick(at(3600))
        #expect(h.engine.nextDeadline == at(3900))
    }

    @Test func disconnectedAttendeesAreNotGrouped() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid", "dublin"])
        try h.handle(.disconnect(people[2]), at: at(3500))
        h.tick(at(3550))
        let round = try #require(h.roundStarts(in: h.tick(at(3600))).first)
        #expect(round.count == 1 && !round[0].members.contains(people[2]))
    }

    @Test func lateArrivalsWaitThenMeetEachOther() throws {
        var h = Harness()
        _ = h.register(["viken", "madrid"])
        h.tick(at(3600))
        let first = h.register(["dublin"], at: at(3610))[0]
        #expect(h.journal.last == .attendeeWaiting(first, eligibleAt: at(3640)))
        #expect(h.engine.nextDeadline == at(3870), "one waiting person is no group: no extra deadline")
        let second = h.register(["lombardia"], at: at(3620))[0]
        #expect(h.engine.nextDeadline == at(3640))
        let formed = h.tick(at(3640))
        guard case .breakoutFormed(let breakout) = formed.first else { Issue.record("no breakout"); return }
        #expect(breakout.members == [first, second] && breakout.endsAt == at(3900))
        #expect(h.engine.waitingAttendees.isEmpty)
    }

    @Test func aLoneAttendeeAtRoundStartMeetsTheFirstLateArrival() throws {
        var h = Harness()
        let alone = h.register(["viken"])[0]
        let started = h.tick(at(3600))
        #expect(started.contains(.roundStarted(.single, "s1", round: 1, startedAt: at(3600), endsAt: at(3900), breakouts: [], unplaced: [alone],
                                                   quality: [RuleQuality(attribute: "region", policy: .mix, satisfied: 0, groups: 0, best: 0)])))
        #expect(h.engine.waitingAttendees == [alone])
        let late = h.register(["madrid"], at: at(3650))[0]
        guard case .breakoutFormed(let breakout) = h.journal.last else { Issue.record("not grouped"); return }
        #expect(breakout.members == [alone, late])
    }

    @Test func arrivalsTooCloseToTheEndWaitForTheNextRound() {
        var h = Harness()
        _ = h.register(["viken", "madrid"])
        h.tick(at(3600))
        let late = h.register(["dublin"], at: at(3820))[0]
        #expect(h.journal.suffix(2) == [
            .attendeeRegistered(late, profile("p0", "dublin"), at: at(3820)), .attendeeEnteredRoom(late, .single, at: at(3820)),
        ], "registered into the only room, not waiting")
        #expect(h.engine.waitingAttendees.isEmpty)
    }

    @Test func partnerLeftAloneIsRepairedWithAWaitingAttendee() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        let late = h.register(["dublin"], at: at(3610))[0]
        let events = try h.handle(.leaveBreakout(people[0]), at: at(3620))
        #expect(events.prefix(3) == [
            .leftBreakout(people[0], breakout.id, reason: .left),
            .breakoutClosed(breakout.id, reason: .tooFewMembers, returnedToLobby: []),
            .attendeeWaiting(people[1], eligibleAt: at(3620)),
        ])
        guard case .breakoutFormed(let again) = events.last else { Issue.record("not re-paired"); return }
        #expect(Set(again.members) == [people[1], late])
        #expect(h.engine.breakout(of: people[0]) == nil, "the leaver sits the round out")
        #expect(throws: MinglingError.notInBreakout) { try h.handle(.leaveBreakout(people[0]), at: at(3621)) }
    }

    @Test func partnerLeftAloneLateInTheRoundReturnsToTheLobby() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        h.tick(at(3870))
        let events = try h.handle(.leaveBreakout(people[1]), at: at(3880))
        #expect(events == [
            .leftBreakout(people[1], breakout.id, reason: .left),
            .breakoutClosed(breakout.id, reason: .tooFewMembers, returnedToLobby: [people[0]]),
        ])
    }

    @Test func trioSurvivesOneLeaving() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid", "dublin"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        #expect(try h.handle(.leaveBreakout(people[0]), at: at(3620)) == [.leftBreakout(people[0], breakout.id, reason: .left)])
        #expect(h.engine.breakout(of: people[1])?.members == [people[1], people[2]])
    }

    @Test func reconnectInsideGraceResumesTheBreakout() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        #expect(try h.handle(.disconnect(people[0]), at: at(3650)) == [
            .attendeeDisconnected(people[0], at: at(3650), graceEndsAt: at(3710)),
        ])
        #expect(h.engine.nextDeadline == at(3710))
        #expect(h.engine.breakout(of: people[1])?.members.count == 2, "partner sees reconnecting, not gone")
        #expect(throws: MinglingError.notConnected) { try h.handle(.sendChat(from: people[0], text: "hi"), at: at(3660)) }
        #expect(try h.handle(.connect(people[0]), at: at(3700)) == [.attendeeResumed(people[0], at: at(3700), breakout: breakout.id)])
        #expect(h.tick(at(3710)).isEmpty, "the stale grace deadline does nothing")
        #expect(h.engine.breakout(of: people[0])?.id == breakout.id)
    }

    @Test func reconnectAfterGraceStartsAfresh() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid", "dublin", "lombardia"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        let partner = breakout.members.first { $0 != people[0] }!
        try h.handle(.disconnect(people[0]), at: at(3650))
        let expired = h.tick(at(3710))
        #expect(expired == [
            .leftBreakout(people[0], breakout.id, reason: .dropped),
            .breakoutClosed(breakout.id, reason: .tooFewMembers, returnedToLobby: []),
            .attendeeWaiting(partner, eligibleAt: at(3710)),
            .attendeeDropped(people[0], at: at(3710)),
        ])
        let back = try h.handle(.connect(people[0]), at: at(3720))
        #expect(back.prefix(2) == [.attendeeConnected(people[0], at: at(3720)), .attendeeWaiting(people[0], eligibleAt: at(3750))])
        guard case .breakoutFormed(let again) = back.last else { Issue.record("not grouped"); return }
        #expect(Set(again.members) == [people[0], partner], "they met already, but nobody else is waiting")
    }

    @Test func removedAttendeesLeaveAndCannotReturn() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid", "dublin"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        let events = try h.handle(.admin(.removeAttendee(people[0], reason: "spam")), at: at(3610))
        #expect(events.first == .leftBreakout(people[0], breakout.id, reason: .removed))
        #expect(events.last == .attendeeRemoved(people[0], reason: "spam", at: at(3610)))
        #expect(throws: MinglingError.attendeeRemoved) { try h.handle(.connect(people[0]), at: at(3620)) }
        #expect(throws: MinglingError.unknownAttendee) { try h.handle(.connect(AttendeeID(99)), at: at(3620)) }
        #expect(throws: MinglingError.attendeeRemoved) {
            try h.handle(.admin(.removeAttendee(people[0], reason: "again")), at: at(3620))
        }
    }
}

/// Attributes with several values ("Languages you can talk in"): validated like single values, bounded.
@Suite struct MultipleAttributeTests {
    func speaker(_ name: String, _ spoken: [String], region: String = "viken") -> Profile {
        Profile(displayName: name, attributes: ["region": [region], "languages": spoken])
    }

    @Test func severalValuesAreKeptAsGiven() throws {
        var h = Harness()
        let events = try h.handle(.register(speaker("Kari", ["no", "en"]), accessCode: nil), at: at(-9))
        #expect(events.first == .attendeeRegistered(AttendeeID(1), speaker("Kari", ["no", "en"]), at: at(-9)))
        #expect(h.engine.attendee(AttendeeID(1))?.profile.values(of: "languages") == ["no", "en"])
    }

    @Test func anEmptyListIsNoAnswer() throws {
        var h = Harness()
        try h.handle(.register(speaker("Kari", []), accessCode: nil), at: at(-9))
        #expect(h.engine.attendee(AttendeeID(1))?.profile.attributes["languages"] == nil)
    }

    @Test func valuesAreCheckedCountedAndListedOnce() {
        var h = Harness()
        #expect(throws: MinglingError.unknownAttributeValue(attribute: "languages", value: "tlh")) {
            try h.handle(.register(speaker("a", ["en", "tlh"]), accessCode: nil), at: at(-9))
        }
        #expect(throws: MinglingError.invalidProfile(field: "attributes.languages")) {
            try h.handle(.register(speaker("a", ["en", "en"]), accessCode: nil), at: at(-9))
        }
        var twoRegions = speaker("a", ["en"])
        twoRegions.attributes["region"] = ["viken", "madrid"]
        #expect(throws: MinglingError.invalidProfile(field: "attributes.region")) {
            try h.handle(.register(twoRegions, accessCode: nil), at: at(-9))
        }
        var plan = makePlan()
        let many = (0...Limits.attributeChoices.maximum).map { "v\($0)" }
        plan.attributes[2].values = many.map { AttributeValue(id: $0, label: $0) }
        var big = Harness(plan: plan)
        #expect(throws: MinglingError.invalidProfile(field: "attributes.languages")) {
            try big.handle(.register(speaker("a", many), accessCode: nil), at: at(-9))
        }
        #expect(throws: Never.self) { try big.handle(.register(speaker("a", Array(many.dropLast())), accessCode: nil), at: at(-9)) }
    }

    @Test func aRequiredMultipleAttributeNeedsOneValue() {
        var plan = makePlan()
        plan.attributes[2].required = true
        var h = Harness(plan: plan)
        #expect(throws: MinglingError.missingAttribute("languages")) {
            try h.handle(.register(speaker("a", []), accessCode: nil), at: at(-9))
        }
        #expect(throws: Never.self) { try h.handle(.register(speaker("a", ["it"]), accessCode: nil), at: at(-9)) }
    }
}
