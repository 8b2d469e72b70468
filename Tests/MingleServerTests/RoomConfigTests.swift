import Foundation
import Testing
@testable import MingleServer
@testable import Mingling

/// The event file's `rooms`: every broken rule reported at once, with its key path.
@Suite struct RoomConfigTests {
    func load(_ rooms: String, sessions: String? = nil) -> Result<EventPlan, ConfigErrors> {
        let text = """
        {
          "event": { "id": "e1", "name": "Day", "timeZone": "Europe/Oslo" },
          "attributes": [ { "id": "region", "label": "Region", "values": [ { "id": "viken", "label": "Viken" } ] } ],
          \(sessions.map { "\"sessions\": \($0)," } ?? "")
          "rooms": \(rooms)
        }
        """
        return EventConfigLoader.parse(Data(text.utf8), fileName: "event.json")
    }

    func errors(_ rooms: String, sessions: String? = nil) -> [String] {
        if case .failure(let e) = load(rooms, sessions: sessions) { return e.errors.map(\.description) }
        return []
    }

    func session(_ id: String, _ start: String, _ end: String) -> String {
        #"{ "id": "\#(id)", "title": "\#(id)", "start": "2026-10-13T\#(start):00+02:00", "end": "2026-10-13T\#(end):00+02:00", "mingle": {} }"#
    }

    @Test func parallelRoomsLoad() throws {
        let plan = try load("""
        [ { "id": "plenary", "title": "Plenary", "location": "Hall 1", "sessions": [ \(session("open", "09:00", "10:00")) ] },
          { "id": "ws-a", "title": "A", "sessions": [ \(session("a", "10:30", "11:30")) ] },
          { "id": "ws-b", "title": "B", "sessions": [ \(session("b", "10:30", "11:15")) ] } ]
        """).get()
        #expect(plan.rooms.map(\.id) == ["plenary", "ws-a", "ws-b"])
        #expect(plan.rooms[0].location == "Hall 1" && plan.rooms[1].location == nil)
        #expect(plan.room(of: "b") == "ws-b", "rooms overlap freely")
    }

    @Test func everyRoomErrorAtOnce() {
        let tooLong = String(repeating: "x", count: 201)
        #expect(errors("""
        [ { "id": "ws-a", "title": "A", "sessions": [ \(session("a", "10:30", "11:30")), \(session("a2", "11:00", "12:00")) ] },
          { "id": "ws-a", "title": "A again", "sessions": [] },
          { "id": "Bad Room", "title": "B", "location": "\(tooLong)", "sessions": [ \(session("a", "10:30", "11:30")) ] },
          { "id": "ws-c", "sessions": [], "capacity": 20 } ]
        """) == [
            "event.json: rooms[0].sessions[1].start: must not be before rooms[0].sessions[0].end (a room's sessions are listed in order and do not overlap; sessions in different rooms may)",
            "event.json: rooms[1].id: duplicate of rooms[0].id (\"ws-a\")",
            "event.json: rooms[2].id: must be 1...64 of a-z, 0-9, - and _ (starting with a-z or 0-9), got \"Bad Room\"",
            "event.json: rooms[2].location: must be at most 200 characters, got 201",
            "event.json: rooms[2].sessions[0].id: duplicate of rooms[0].sessions[0].id (\"a\")",
            "event.json: rooms[3].title: is required",
            "event.json: rooms[3].capacity: unknown key (allowed: id, title, location, sessions)",
        ])
    }

    @Test func roomsAndTopLevelSessionsDoNotMix() {
        #expect(errors(#"[ { "id": "a", "title": "A", "sessions": [] } ]"#, sessions: "[]")
            == ["event.json: sessions: not allowed together with rooms: put each room's sessions in rooms[].sessions"])
        #expect(errors("[]") == ["event.json: rooms: must have at least 1 entry"])
    }

    @Test func atMost200Rooms() {
        let many = (0...200).map { #"{ "id": "r\#($0)", "title": "R", "sessions": [] }"# }.joined(separator: ",")
        #expect(errors("[\(many)]") == ["event.json: rooms: must have at most 200 entries, got 201"])
        let enough = (0..<200).map { #"{ "id": "r\#($0)", "title": "R", "sessions": [] }"# }.joined(separator: ",")
        #expect(errors("[\(enough)]").isEmpty)
    }
}
