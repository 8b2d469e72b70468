@testable import Mingling

/// A day with a plenary, then three parallel workshops (A and B mingle automatically at 11:30, C by hand).
/// Times in seconds from `t0`: plenary 0-3600 (mingling after it), workshops 5400-9000 (C ends at 8100).
func roomsPlan(rounds: Int = 2, roundSeconds: Int = 300) -> EventPlan {
    func mingle(_ start: MingleStart = .automatic) -> MinglePlan {
        MinglePlan(rounds: rounds, roundSeconds: roundSeconds, groupSize: 2, pairBy: "region", policy: .mix,
                   prompts: ["What would you change first?"], warningSeconds: 30, start: start, lateJoinWindowSeconds: 30)
    }
    return EventPlan(
        event: EventInfo(id: "day", name: "A day of co-creation", timeZone: "Europe/Brussels"),
        attributes: [
            AttributeDefinition(
                id: "region", label: "Region", values: regions.map { AttributeValue(id: $0, label: $0) }, required: true),
        ],
        rooms: [
            Room(id: "plenary", title: "Plenary", location: "Hall 1", sessions: [
                Session(id: "opening", title: "Opening", start: at(0), end: at(3600), mingle: mingle()),
            ]),
            Room(id: "workshop-a", title: "Workshop A", location: "Room 2.14", sessions: [
                Session(id: "a1", title: "Service design", start: at(5400), end: at(9000), mingle: mingle()),
            ]),
            Room(id: "workshop-b", title: "Workshop B", sessions: [
                Session(id: "b1", title: "Open data", start: at(5400), end: at(9000), mingle: mingle()),
            ]),
            Room(id: "workshop-c", title: "Workshop C", sessions: [
                Session(id: "c1", title: "Procurement", start: at(5400), end: at(8100), mingle: mingle(.manual)),
            ]),
        ])
}

extension Harness {
    /// Registers attendees straight into `room`; returns their ids.
    mutating func register(_ regionsOfAttendees: [String], in room: RoomID?, at now: Timestamp = at(-600)) -> [AttendeeID] {
        regionsOfAttendees.enumerated().map { offset, region in
            let events = try! handle(.register(profile("\(room?.rawValue ?? "none")-\(offset)", region), accessCode: nil, room: room), at: now)
            guard case .attendeeRegistered(let id, _, _) = events[0] else { fatalError("not registered") }
            return id
        }
    }

    func members(_ room: RoomID) -> Set<AttendeeID> { engine.room(room)?.members ?? [] }
}
