import Foundation
import Testing
import MingleTestSupport
@testable import MingleServer

/// Retention and erasure really delete: afterwards no file under the state directory holds the attendee's
/// name, email or organisation.
@Suite struct DataRightsTests {
    static let name = "Zelda Uniquename"
    static let email = "zelda@unique-mail.example"
    static let organisation = "Uniquely Named Organisation"

    /// Every file under `directory`, recursively, that contains one of `needles`.
    static func filesContaining(_ needles: [String], under directory: String) -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for needle in needles where text.contains(needle) { found.append("\(relative): \(needle)") }
        }
        return found
    }

    @Test func deleteMeLeavesNoTraceOnDisk() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let zelda = try FullAttendee(port: s.port, name: Self.name, email: Self.email, organisation: Self.organisation)
        let lucia = try FullAttendee(port: s.port, name: "Lucía", email: "lucia@example.es", organisation: "Madrid")
        #expect(try RoomsFixture.call(s, "/api/mingling/start", "{\"session\":\"s1\"}").status == 200)
        _ = try zelda.expect("breakout")
        _ = try lucia.expect("breakout")
        try zelda.send("{\"type\":\"stay_in_touch\",\"with\":\(lucia.id)}")
        try lucia.send("{\"type\":\"stay_in_touch\",\"with\":\(zelda.id)}")
        #expect((try lucia.expect("contact")["card"] as? [String: Any])?["email"] as? String == Self.email)
        try zelda.send(#"{"type":"export_my_data"}"#)
        let mine = try #require(try zelda.expect("my_data")["data"] as? [String: Any])
        #expect((mine["attendee"] as? [String: Any])?["name"] as? String == Self.name)
        #expect((mine["contactCard"] as? [String: Any])?["email"] as? String == Self.email)
        #expect((mine["cardsReceived"] as? [[String: Any]])?.first?["email"] as? String == "lucia@example.es")
        let state = s.directory.path + "/var"
        #expect(!Self.filesContaining([Self.name, Self.email], under: state).isEmpty, "the journal held them")
        try zelda.send(#"{"type":"delete_me"}"#)
        #expect(try zelda.expect("error")["code"] as? String == "bad_field", "only with the page's confirmation")
        try zelda.send(#"{"type":"delete_me","confirm":true}"#)
        _ = try zelda.expect("deleted")
        #expect(try lucia.expect("partner_left")["attendee"] as? Int == zelda.id)
        let status = try RoomsFixture.get(s, "/api/status").json
        #expect((status["attendees"] as? [String: Any])?["registered"] as? Int == 2, "counts stay")
        #expect(Self.filesContaining([Self.name, Self.email, Self.organisation], under: state).isEmpty)
        // Their token is refused; the admin export has nothing left.
        let again = try TestAttendee.resuming(port: s.port, token: zelda.token)
        #expect(try again.expect("error")["code"] as? String == "resume_invalid")
        #expect(try RoomsFixture.get(s, "/api/attendees/\(zelda.id)/export").status == 404)
        #expect(try RoomsFixture.get(s, "/api/attendees/\(lucia.id)/export").json["attendee"] != nil)
    }

    @Test func anAdminErasureLeavesNoTraceOnDisk() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let zelda = try FullAttendee(port: s.port, name: Self.name, email: Self.email, organisation: Self.organisation)
        let export = try RoomsFixture.get(s, "/api/attendees/\(zelda.id)/export")
        #expect(export.status == 200 && export.body.contains(Self.email))
        #expect(try RoomsFixture.call(s, "/api/attendees/\(zelda.id)/erase").status == 200)
        _ = try zelda.expect("deleted")
        #expect(Self.filesContaining([Self.name, Self.email, Self.organisation], under: s.directory.path + "/var").isEmpty)
        #expect(try RoomsFixture.call(s, "/api/attendees/\(zelda.id)/erase").status == 409, "nothing left to erase")
    }

    @Test func retentionDeletesPersonalDataFromEveryFile() throws {
        var eventPath = ""
        let s = try AdminFixture.server { settings in
            eventPath = settings.eventConfigPath ?? ""
        }
        defer { s.stop() }
        let zelda = try FullAttendee(port: s.port, name: Self.name, email: Self.email, organisation: Self.organisation)
        _ = zelda
        s.stop()
        // The event ended three days ago and its data are kept one day.
        let ended = Date().addingTimeInterval(-3 * 86_400)
        var text = AdminFixture.eventJSON()
        text = text.replacingOccurrences(of: "\"retentionDays\": 30", with: "\"retentionDays\": 1")
        let past = """
        "sessions": [ { "id": "s1", "title": "Then", "start": "\(AdminFixture.iso(ended.addingTimeInterval(-3600)))", "end": "\(AdminFixture.iso(ended))" } ],
        """
        text = text.replacingOccurrences(of: #"(?s)"sessions": \[.*?\],\s*"access""#, with: past + "\n  \"access\"", options: .regularExpression)
        try text.write(toFile: eventPath, atomically: true, encoding: .utf8)
        let restarted = try s.restart()
        defer { restarted.stop() }
        var deleted = false
        for _ in 0..<200 where !deleted {
            deleted = try RoomsFixture.get(restarted, "/api/status").json["personalDataDeleted"] as? Bool == true
        }
        #expect(deleted, "retention ran at start")
        #expect(Self.filesContaining([Self.name, Self.email, Self.organisation], under: s.directory.path + "/var").isEmpty)
        let late = try TestAttendee.joining(port: restarted.port, name: "Late", region: "viken")
        #expect(try late.expect("error")["code"] as? String == "event_over", "nobody registers once the data are gone")
    }
}

/// An attendee who joins with an organisation and a contact card (TestAttendee joins with a name only).
final class FullAttendee {
    let inner: TestAttendee
    var id: Int { inner.id }
    let token: String

    init(port: UInt16, name: String, email: String, organisation: String) throws {
        inner = try TestAttendee.joining(port: port, name: name, region: "viken", extra:
            #","organisation":"\#(organisation)","contact":{"email":"\#(email)","organisation":"\#(organisation)"}"#)
        let welcome = try inner.expect("welcome")
        inner.id = (welcome["attendee"] as? [String: Any])?["id"] as? Int ?? 0
        token = welcome["resumeToken"] as? String ?? ""
    }

    func send(_ json: String) throws { try inner.send(json) }
    func expect(_ type: String) throws -> [String: Any] { try inner.expect(type) }
}
