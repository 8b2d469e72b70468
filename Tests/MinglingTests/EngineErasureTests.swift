import Testing
@testable import Mingling

/// An attendee's rights and retention, in the engine: erasure and expiry delete personal data from the
/// state (and so from a compacted journal), keep what others were already given, and journal no personal data.
@Suite struct EngineErasureTests {
    func meetAndExchange() throws -> (Harness, [AttendeeID]) {
        var h = Harness()
        let people = [
            try h.handle(.register(profile("Kari", "viken", card: ContactCard(name: "Kari N", email: "kari@example.org")), accessCode: nil), at: at(-9)),
            try h.handle(.register(profile("Lucía", "madrid", card: ContactCard(email: "lucia@example.es")), accessCode: nil), at: at(-8)),
        ].map { events -> AttendeeID in
            guard case .attendeeRegistered(let id, _, _) = events[0] else { fatalError() }
            return id
        }
        h.tick(at(3600))
        try h.handle(.stayInTouch(from: people[0], with: people[1]), at: at(3610))
        try h.handle(.stayInTouch(from: people[1], with: people[0]), at: at(3611))
        return (h, people)
    }

    @Test func deleteMeRemovesEveryCopyOnTheServer() throws {
        var (h, people) = try meetAndExchange()
        let (kari, lucia) = (people[0], people[1])
        let data = try #require(h.engine.personalData(of: kari))
        #expect(data.profile.displayName == "Kari" && data.met.map(\.1) == ["Lucía"])
        #expect(data.cardsReceived.map(\.card.email) == ["lucia@example.es"] && data.cardGivenTo == [lucia])
        try h.handle(.report(from: kari, about: lucia, reason: "testing"), at: at(3612))
        _ = h.told(lucia)
        let events = try h.handle(.eraseAttendee(kari), at: at(3620))
        #expect(events == [
            .leftBreakout(kari, BreakoutID(1), reason: .left),
            .breakoutClosed(BreakoutID(1), reason: .tooFewMembers, returnedToLobby: []),
            .attendeeWaiting(lucia, eligibleAt: at(3620)),
            .attendeeErased(kari, at: at(3620)),
        ])
        #expect(h.told(lucia).first == .partnerLeft(kari, .left), "the partner is handled as when anyone leaves")
        let erased = try #require(h.engine.attendee(kari))
        #expect(erased.erased && erased.removed && erased.profile == Profile(displayName: "") && erased.room == nil)
        #expect(h.engine.personalData(of: kari) == nil, "nothing left to export")
        #expect(h.engine.cards(receivedBy: kari).isEmpty && h.engine.reports.isEmpty)
        #expect(h.engine.cards(receivedBy: lucia).isEmpty,
                "the server keeps no copy of the card (the receiver has it on their device)")
        #expect(h.engine.haveMet(kari, lucia), "the no-repeat memory keeps the bare ids")
        #expect(throws: MinglingError.attendeeRemoved) { try h.handle(.eraseAttendee(kari), at: at(3621)) }
        #expect(throws: MinglingError.attendeeRemoved) { try h.handle(.connect(kari), at: at(3621)) }
    }

    @Test func pendingRequestsToAndFromTheErasedGo() throws {
        var h = Harness()
        let trio = h.register(["viken", "madrid", "dublin"])
        h.tick(at(3600))
        #expect(h.engine.breakout(of: trio[0])?.members == trio, "three people make one trio")
        try h.handle(.stayInTouch(from: trio[0], with: trio[1]), at: at(3610))
        try h.handle(.stayInTouch(from: trio[2], with: trio[0]), at: at(3611))
        try h.handle(.eraseAttendee(trio[0]), at: at(3620))
        #expect(h.engine.pendingRequests(from: trio[0]).isEmpty, "their requests go")
        #expect(h.engine.pendingRequests(from: trio[2]).isEmpty, "requests to them go")
        #expect(!h.engine.hasRequestedStayInTouch(from: trio[2], to: trio[0]))
    }

    @Test func expiryDeletesEveryNameCardAndReason() throws {
        var (h, people) = try meetAndExchange()
        try h.handle(.report(from: people[1], about: people[0], reason: "rude words"), at: at(3612))
        try h.handle(.expirePersonalData, at: at(90 * 86_400))
        let snapshot = h.engine.snapshot()
        #expect(snapshot.attendees.allSatisfy { $0.profile.displayName.isEmpty && $0.profile.contactCard == nil && $0.profile.organisation == nil })
        #expect(snapshot.receivedCards.isEmpty && snapshot.reports.allSatisfy(\.reason.isEmpty))
        #expect(snapshot.reports.count == 1 && h.engine.totals.contactExchanges == 1, "counts stay")
        let text = String(describing: snapshot)
        #expect(!text.contains("example") && !text.contains("Kari") && !text.contains("rude"))
    }
}
