import Testing
@testable import Mingling

@Suite struct EngineBreakoutTests {
    /// Four attendees in two pairs, round 1 running; returns (pair one, pair two).
    func twoPairs(_ h: inout Harness, cards: Bool = false) throws -> ([AttendeeID], [AttendeeID]) {
        for (offset, region) in ["viken", "madrid", "dublin", "lombardia"].enumerated() {
            let card = cards ? ContactCard(name: "Name \(offset)", email: "p\(offset)@example.org") : nil
            try h.handle(.register(profile("p\(offset)", region, card: card), accessCode: nil), at: at(-60))
        }
        h.tick(at(3600))
        let breakouts = h.engine.breakouts
        try #require(breakouts.count == 2)
        return (breakouts[0].members, breakouts[1].members)
    }

    @Test func chatReachesOnlyTheSameBreakout() throws {
        var h = Harness()
        let (one, two) = try twoPairs(&h)
        let breakout = try #require(h.engine.breakout(of: one[0]))
        #expect(try h.handle(.sendChat(from: one[0], text: "Hei!"), at: at(3601)) == [
            .chatDelivered(breakout.id, from: one[0], text: "Hei!", recipients: [one[1]], at: at(3601)),
        ])
        #expect(!DomainEvent.chatDelivered(breakout.id, from: one[0], text: "", recipients: [], at: t0).isJournaled)
        #expect(throws: MinglingError.emptyMessage) { try h.handle(.sendChat(from: two[0], text: " \n"), at: at(3602)) }
        #expect(throws: MinglingError.messageTooLong(Limits.chatText)) {
            try h.handle(.sendChat(from: two[0], text: String(repeating: "é", count: 1001)), at: at(3602))
        }
        h.tick(at(3900))
        #expect(throws: MinglingError.notInBreakout) { try h.handle(.sendChat(from: one[0], text: "late"), at: at(3901)) }
        #expect(MinglingError.notInBreakout.code == .notInBreakout)
    }

    @Test func signallingStaysInsideTheBreakout() throws {
        var h = Harness()
        let (one, two) = try twoPairs(&h)
        #expect(try h.handle(.signal(from: one[0], to: one[1], kind: .offer, payload: "v=0"), at: at(3601)) == [
            .signalRelayed(from: one[0], to: one[1], kind: .offer, payload: "v=0"),
        ])
        #expect(throws: MinglingError.notInSameBreakout) {
            try h.handle(.signal(from: one[0], to: two[0], kind: .candidate, payload: "c"), at: at(3601))
        }
        #expect(throws: MinglingError.cannotTargetSelf) {
            try h.handle(.signal(from: one[0], to: one[0], kind: .answer, payload: "a"), at: at(3601))
        }
        #expect(throws: MinglingError.messageTooLong(Limits.signalPayload)) {
            try h.handle(.signal(from: one[0], to: one[1], kind: .offer, payload: String(repeating: "x", count: 16_385)), at: at(3601))
        }
    }

    @Test func contactsAreExchangedOnlyOnMutualConsent() throws {
        var h = Harness()
        let (one, two) = try twoPairs(&h, cards: true)
        #expect(throws: MinglingError.notMet) { try h.handle(.stayInTouch(from: one[0], with: two[0]), at: at(3601)) }
        #expect(throws: MinglingError.noPendingRequest) {
            try h.handle(.withdrawStayInTouch(from: one[0], with: one[1]), at: at(3601))
        }
        #expect(try h.handle(.stayInTouch(from: one[0], with: one[1]), at: at(3602)) == [.stayInTouchRequested(from: one[0], to: one[1])])
        #expect(try h.handle(.stayInTouch(from: one[0], with: one[1]), at: at(3603)).isEmpty, "pressing twice is harmless")
        #expect(try h.handle(.withdrawStayInTouch(from: one[0], with: one[1]), at: at(3604)) == [
            .stayInTouchWithdrawn(from: one[0], to: one[1]),
        ])
        #expect(try h.handle(.stayInTouch(from: one[1], with: one[0]), at: at(3605)) == [
            .stayInTouchRequested(from: one[1], to: one[0]),
        ], "the earlier request was withdrawn: nothing revealed")
        // After the round, the match still works between people who met.
        h.tick(at(3900))
        let events = try h.handle(.stayInTouch(from: one[0], with: one[1]), at: at(3905))
        let card0 = h.engine.attendee(one[0])!.profile.contactCard!
        let card1 = h.engine.attendee(one[1])!.profile.contactCard!
        #expect(events == [
            .stayInTouchRequested(from: one[0], to: one[1]),
            .contactsExchanged(first: one[1], second: one[0], firstCard: card1, secondCard: card0),
        ])
        #expect(h.engine.haveExchangedContacts(one[0], one[1]))
        #expect(throws: MinglingError.alreadyExchanged) { try h.handle(.stayInTouch(from: one[1], with: one[0]), at: at(3906)) }
        #expect(throws: MinglingError.alreadyExchanged) {
            try h.handle(.withdrawStayInTouch(from: one[1], with: one[0]), at: at(3906))
        }
    }

    @Test func withoutACardTheNameAndOrganisationAreShared() throws {
        var h = Harness()
        let (one, _) = try twoPairs(&h)
        try h.handle(.stayInTouch(from: one[0], with: one[1]), at: at(3601))
        let events = try h.handle(.stayInTouch(from: one[1], with: one[0]), at: at(3602))
        let name = h.engine.attendee(one[0])!.profile.displayName
        guard case .contactsExchanged(_, _, let firstCard, _) = events.last else { Issue.record("no exchange"); return }
        #expect(firstCard == ContactCard(name: name, organisation: "Org \(name)"))
    }

    @Test func reportsAreKeptForAdmins() throws {
        var h = Harness()
        let (one, two) = try twoPairs(&h)
        #expect(throws: MinglingError.notMet) { try h.handle(.report(from: one[0], about: two[0], reason: "x"), at: at(3601)) }
        #expect(throws: MinglingError.cannotTargetSelf) { try h.handle(.report(from: one[0], about: one[0], reason: "x"), at: at(3601)) }
        try h.handle(.report(from: one[0], about: one[1], reason: "rude"), at: at(3602))
        #expect(h.engine.reports == [Report(from: one[0], about: one[1], reason: "rude", at: at(3602))])
    }

    @Test func blockedPartnersAreSeparatedAndNeverGroupedAgain() throws {
        var h = Harness()
        let people = h.register(["viken", "madrid"])
        h.tick(at(3600))
        let breakout = try #require(h.engine.breakout(of: people[0]))
        let events = try h.handle(.block(from: people[0], whom: people[1]), at: at(3610))
        #expect(events.prefix(2) == [
            .attendeeBlocked(from: people[0], whom: people[1], at: at(3610)),
            .leftBreakout(people[0], breakout.id, reason: .blocked),
        ])
        h.tick(at(3900))
        let round2 = h.tick(at(3910))
        #expect(round2.contains { if case .roundStarted(_, _, 2, _, _, [], [people[0], people[1]], _) = $0 { true } else { false } })
    }
}
