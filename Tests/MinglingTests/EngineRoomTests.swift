import Testing
@testable import Mingling

/// A multi-room day, in memory: registration once, rooms entered and left, rounds in parallel rooms.
@Suite struct EngineRoomTests {
    @Test func registrationEntersTheRoomOfTheLinkOrNone() throws {
        var h = Harness(plan: roomsPlan())
        let inA = h.register(["viken"], in: "workshop-a")[0]
        let nowhere = h.register(["madrid"], in: nil)[0]
        #expect(h.engine.attendee(inA)?.room == "workshop-a" && h.members("workshop-a") == [inA])
        #expect(h.engine.attendee(nowhere)?.room == nil)
        #expect(h.told(nowhere).first == .roomEntered(nil))
        #expect(throws: MinglingError.unknownRoom) {
            try h.handle(.register(profile("x", "viken"), accessCode: nil, room: "nope"), at: at(-1))
        }
        #expect(h.engine.allAttendees.count == 2, "a refused registration registers nobody")
        // A single-room event needs no room: everyone is in it.
        var single = Harness()
        let one = single.register(["viken"])[0]
        #expect(single.engine.attendee(one)?.room == .single)
    }

    @Test func parallelRoomsPairOnlyTheirOwnPeopleAtTheSameTime() throws {
        var h = Harness(plan: roomsPlan())
        let a = h.register(["viken", "madrid", "dublin", "lombardia", "viken", "madrid"], in: "workshop-a")
        let b = h.register(["innlandet", "madrid", "dublin", "viken"], in: "workshop-b")
        _ = h.register(["dublin", "viken"], in: "workshop-c")
        h.tick(at(3600))  // the plenary's mingling: nobody is in the plenary
        #expect(h.engine.breakouts.isEmpty)
        let ended = h.tick(at(9000))
        let starts = ended.compactMap { event -> (RoomID, [Breakout])? in
            if case .roundStarted(let room, _, 1, _, _, let b, _, _) = event { (room, b) } else { nil }
        }
        #expect(starts.map(\.0) == ["workshop-a", "workshop-b"], "both rooms start round 1 in the same tick; C is manual")
        #expect(Set(starts[0].1.flatMap(\.members)) == Set(a))
        #expect(Set(starts[1].1.flatMap(\.members)) == Set(b))
        #expect(starts.allSatisfy { start in start.1.allSatisfy { $0.room == start.0 } })
        // Each room's clock is its own: extending A does not move B.
        try h.handle(.admin(.extendRound("workshop-a", seconds: 120)), at: at(9100))
        #expect(h.engine.breakouts(in: "workshop-a").allSatisfy { $0.endsAt == at(9420) })
        #expect(h.engine.breakouts(in: "workshop-b").allSatisfy { $0.endsAt == at(9300) })
        h.tick(at(9300))
        #expect(h.engine.breakouts(in: "workshop-b").isEmpty && h.engine.breakouts(in: "workshop-a").count == 3)
        #expect(throws: MinglingError.noRoundRunning) { try h.handle(.admin(.endRoundNow("workshop-c")), at: at(9301)) }
        #expect(throws: MinglingError.unknownRoom) { try h.handle(.admin(.endRoundNow("nope")), at: at(9301)) }
        try h.handle(.admin(.startMingling("workshop-c", nil)), at: at(9302))
        #expect(h.engine.breakouts(in: "workshop-c").count == 1)
    }

    @Test func movingKeepsIdentityContactsRequestsAndTheNoRepeatMemory() throws {
        var h = Harness(plan: roomsPlan(rounds: 1))
        let people = h.register(["viken", "madrid", "dublin", "lombardia"], in: "plenary")
        h.tick(at(3600))
        let first = try #require(h.engine.breakout(of: people[0]))
        let partner = first.members.first { $0 != people[0] }!
        try h.handle(.stayInTouch(from: people[0], with: partner), at: at(3610))
        h.tick(at(3900))
        // Everyone moves to workshop A; the pair who met must not meet again while others are there.
        for p in people { try h.handle(.enterRoom(p, "workshop-a"), at: at(5000)) }
        #expect(h.members("plenary").isEmpty && h.members("workshop-a") == Set(people))
        #expect(h.engine.hasRequestedStayInTouch(from: people[0], to: partner), "pending request kept")
        h.tick(at(9000))
        let again = try #require(h.engine.breakout(of: people[0]))
        #expect(!again.members.contains(partner), "no repeat event-wide")
        try h.handle(.stayInTouch(from: partner, with: people[0]), at: at(9010))
        #expect(h.engine.cards(receivedBy: people[0]).map(\.from) == [partner], "contacts work across rooms")
    }

    @Test func leavingTheRoomMidRoundIsLeavingTheBreakout() throws {
        var h = Harness(plan: roomsPlan())
        let people = h.register(["viken", "madrid"], in: "workshop-a")
        h.tick(at(9000))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        _ = h.told(people[1])
        let events = try h.handle(.enterRoom(people[0], "workshop-b"), at: at(9100))
        #expect(events.prefix(3) == [
            .leftBreakout(people[0], breakout.id, reason: .left),
            .breakoutClosed(breakout.id, reason: .tooFewMembers, returnedToLobby: []),
            .attendeeWaiting(people[1], eligibleAt: at(9100)),
        ])
        #expect(events.contains(.attendeeEnteredRoom(people[0], "workshop-b", at: at(9100))))
        #expect(h.told(people[1]).prefix(2) == [.partnerLeft(people[0], .left), .waiting(eligibleAt: at(9100))])
        #expect(h.engine.attendee(people[0])?.breakout == nil && h.engine.attendee(people[0])?.room == "workshop-b")
        // Back to the event's lobby: in no room at all.
        try h.handle(.enterRoom(people[0], nil), at: at(9110))
        #expect(h.engine.attendee(people[0])?.room == nil && h.members("workshop-b").isEmpty)
        #expect(throws: MinglingError.unknownRoom) { try h.handle(.enterRoom(people[0], "nope"), at: at(9111)) }
    }

    @Test func roundEndedListsWhoMetEvenWhenTheNextRoundStartsInTheSameTick() throws {
        var settings = EngineSettings()
        settings.pauseBetweenRoundsSeconds = 0
        var h = Harness(plan: roomsPlan(), settings: settings)
        let people = h.register(["viken", "madrid", "dublin", "lombardia"], in: "workshop-a")
        h.tick(at(9000))
        let partner = try #require(h.engine.breakout(of: people[0])?.members.first { $0 != people[0] })
        _ = h.told(people[0])
        // Without a pause between rounds, the next round starts in the tick that ends this one.
        let events = h.tick(at(9320))
        #expect(events.contains(.roundEnded("workshop-a", "a1", round: 1, at: at(9320))))
        #expect(events.contains { if case .roundStarted(_, _, 2, _, _, _, _, _) = $0 { true } else { false } })
        let told = h.told(people[0])
        #expect(told.contains(.roundEnded("workshop-a", round: 1, met: [partner])))
        let ended = try #require(told.firstIndex(of: .roundEnded("workshop-a", round: 1, met: [partner])))
        let next = try #require(told.firstIndex { if case .breakout = $0 { true } else { false } })
        #expect(ended < next, "messages follow the order of events")
    }

    @Test func aPastScheduleDoesNotStartMinglingLate() throws {
        var h = Harness(plan: roomsPlan())
        _ = h.register(["viken", "madrid"], in: "plenary")
        // The server starts two hours after the plenary ended.
        let events = h.tick(at(3600 + 7200))
        #expect(events.contains(.minglingMissed("plenary", "opening", at: at(10800))))
        #expect(!events.contains { if case .minglingStarted = $0 { true } else { false } })
        #expect(h.engine.room("plenary")?.phase == .lobby && h.engine.breakouts.isEmpty)
        // An admin may still start it by hand.
        try h.handle(.admin(.startMingling("plenary", nil)), at: at(10801))
        #expect(h.engine.breakouts(in: "plenary").count == 1)
        // Within the window (10 min by default) it starts by itself, late.
        var soon = Harness(plan: roomsPlan())
        _ = soon.register(["viken", "madrid"], in: "plenary")
        #expect(soon.tick(at(3600 + 540)).contains { if case .minglingStarted = $0 { true } else { false } })
    }

    @Test func aRoundDueDuringARestartPlacesEveryoneWhoWasThere() throws {
        var before = Harness(plan: roomsPlan())
        let people = before.register((0..<6).map { regions[$0 % 3] }, in: "workshop-a")
        before.tick(at(9000))
        before.tick(at(9300))  // round 1 ends; round 2 is due at 9310
        // The server goes down and comes back at 9310, exactly when round 2 is due.
        var h = Harness(plan: roomsPlan())
        for event in before.journal where event.isJournaled { h.engine.apply(event) }
        try h.handle(.recoverAfterRestart, at: at(9310))
        let round2 = try #require(h.journal.compactMap { event -> [Breakout]? in
            if case .roundStarted("workshop-a", _, 2, _, _, let b, _, _) = event { b } else { nil }
        }.first)
        #expect(Set(round2.flatMap(\.members)) == Set(people), "reconnecting attendees count as present")
        // They come back within the grace period: straight into their breakout, partners told.
        _ = h.told(people[0])
        try h.handle(.connect(people[1]), at: at(9320))
        let b = try #require(h.engine.breakout(of: people[1]))
        for member in b.members where member != people[1] {
            #expect(h.notices.contains { $0.to == [member] && $0.message == .partnerBack(people[1]) }
                || h.notices.contains { $0.to.contains(member) && $0.message == .partnerBack(people[1]) })
        }
        #expect(!h.notices.contains { notice in
            notice.message == .partnerBack(people[1]) && notice.to.contains { !b.members.contains($0) }
        }, "partner_back reaches partners only")
    }

    @Test func reloadAddsRoomsAndRefusesBreakingWhatRuns() throws {
        var h = Harness(plan: roomsPlan())
        _ = h.register(["viken", "madrid"], in: "workshop-a")
        h.tick(at(9000))
        var bigger = roomsPlan()
        bigger.rooms.append(Room(id: "workshop-d", title: "Workshop D", sessions: []))
        bigger.rooms[3].sessions[0].end = at(8400)  // a future session changes
        try h.handle(.replacePlan(bigger), at: at(9010))
        #expect(h.engine.room("workshop-d") != nil && h.engine.plan.room("workshop-c")?.sessions[0].end == at(8400))
        var smaller = bigger
        smaller.rooms.removeAll { $0.id == "workshop-a" }
        #expect(throws: MinglingError.planChangeRejected(
            "room \"workshop-a\" is mingling now (round 1 of 2); keep it in the file until its mingling has ended")) {
            try h.handle(.replacePlan(smaller), at: at(9020))
        }
        var renamed = bigger
        renamed.rooms[1].sessions[0].id = "a1-renamed"
        #expect(throws: MinglingError.self) { try h.handle(.replacePlan(renamed), at: at(9020)) }
        #expect(h.engine.plan == bigger, "a refused reload changes nothing")
        // An idle, empty room may go.
        var withoutD = bigger
        withoutD.rooms.removeAll { $0.id == "workshop-d" }
        try h.handle(.replacePlan(withoutD), at: at(9030))
        #expect(h.engine.room("workshop-d") == nil)
    }
}
