import Foundation
import MingleTestSupport
@testable import MingleServer

/// A server whose event has three rooms, each in a session now with manual mingling in pairs.
enum RoomsFixture {
    static func eventJSON() -> String {
        let now = Date()
        let start = AdminFixture.iso(now.addingTimeInterval(-1800))
        let end = AdminFixture.iso(now.addingTimeInterval(3600))
        func room(_ id: String, _ location: String?) -> String {
            let place = location.map { ", \"location\": \"\($0)\"" } ?? ""
            return """
            { "id": "\(id)", "title": "Room \(id)"\(place), "sessions": [
              { "id": "\(id)-s", "title": "Session in \(id)", "start": "\(start)", "end": "\(end)",
                "mingle": { "rounds": 2, "roundSeconds": 300, "groupSize": 2, "start": "manual" } } ] }
            """
        }
        return """
        {
          "event": { "id": "e2", "name": "Rooms test event", "timeZone": "Europe/Oslo" },
          "attributes": [
            { "id": "region", "label": "Region", "required": true, "values": [ { "id": "viken", "label": "Viken" }, { "id": "madrid", "label": "Madrid" } ] },
            { "id": "attendance", "label": "Attendance", "values": [ { "id": "onsite", "label": "On site" }, { "id": "remote", "label": "Remote" } ] }
          ],
          "rooms": [ \(room("plenary", "Hall 1")), \(room("ws-a", "Room 2.14")), \(room("ws-b", nil)) ]
        }
        """
    }

    static func server() throws -> TestServer {
        try TestServer(echo: true) { settings in
            let path = (settings.stateDirectory as NSString).deletingLastPathComponent + "/event.json"
            _ = FileManager.default.createFile(atPath: path, contents: Data(eventJSON().utf8))
            settings.eventConfigPath = path
            settings.adminToken = AdminFixture.token
        }
    }

    static func call(_ s: TestServer, _ path: String, _ body: String = "{}") throws -> HTTPExchange {
        try HTTPExchange.send(port: s.port, "POST", path, headers: ["Authorization: Bearer \(AdminFixture.token)"], body: body)
    }

    static func get(_ s: TestServer, _ path: String) throws -> HTTPExchange {
        try HTTPExchange.send(port: s.port, "GET", path, headers: ["Authorization: Bearer \(AdminFixture.token)"])
    }
}
