/// Everything the engine holds about one attendee, for "Download my data" and the admin's export. Other
/// people appear by id and as the attendee saw them (the names shown in their breakouts, the cards they
/// received), never with anything the attendee was not shown.
public struct PersonalData: Sendable, Equatable {
    public var id: AttendeeID
    public var profile: Profile
    public var registeredAt: Timestamp
    public var room: RoomID?
    public var removed: Bool
    /// People they shared a breakout with, and their display names.
    public var met: [(AttendeeID, String)]
    /// Cards they received, as handed over.
    public var cardsReceived: [ReceivedCard]
    /// Whom their own card went to.
    public var cardGivenTo: [AttendeeID]
    public var pendingRequests: [AttendeeID]
    /// People they will never be grouped with (a block works both ways, whoever pressed it).
    public var blocked: [AttendeeID]
    public var reportsFiled: [Report]

    public static func == (l: PersonalData, r: PersonalData) -> Bool {
        l.id == r.id && l.profile == r.profile && l.registeredAt == r.registeredAt && l.room == r.room
            && l.removed == r.removed && l.met.map(\.0) == r.met.map(\.0) && l.met.map(\.1) == r.met.map(\.1)
            && l.cardsReceived == r.cardsReceived && l.cardGivenTo == r.cardGivenTo
            && l.pendingRequests == r.pendingRequests && l.blocked == r.blocked && l.reportsFiled == r.reportsFiled
    }
}

extension MinglingEngine {
    /// What the engine holds about `id` (nil for an unknown or erased attendee: there is nothing left).
    public func personalData(of id: AttendeeID) -> PersonalData? {
        guard let a = attendee(id), !a.erased else { return nil }
        func others(_ pairs: Set<UInt64>) -> [AttendeeID] {
            pairs.compactMap { key -> AttendeeID? in
                let pair = EngineSnapshot.Pair(packed: key)
                return pair.a == id ? pair.b : pair.b == id ? pair.a : nil
            }.sorted()
        }
        let cardGivenTo = receivedCards.filter { $0.value.contains { $0.from == id } }.keys.sorted()
        return PersonalData(
            id: id, profile: a.profile, registeredAt: a.registeredAt, room: a.room, removed: a.removed,
            met: others(met).map { ($0, attendee($0)?.profile.displayName ?? "") },
            cardsReceived: cards(receivedBy: id), cardGivenTo: cardGivenTo, pendingRequests: pendingRequests(from: id),
            blocked: others(blocked), reportsFiled: reports.filter { $0.from == id })
    }

    mutating func erase(_ id: AttendeeID, now: Timestamp) throws(MinglingError) {
        guard let a = attendee(id) else { throw .unknownAttendee }
        guard !a.erased else { throw .attendeeRemoved }
        if let breakout = a.breakout { depart(id, from: breakout, reason: .left, now: now) }
        emit(.attendeeErased(id, at: now))
    }
}
