import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer

/// Every organiser control, through the JSON API, changes the engine as it says.
@Suite struct AdminControlTests {
    func call(_ s: TestServer, _ path: String, _ body: String? = nil) throws -> HTTPExchange {
        try HTTPExchange.send(port: s.port, body == nil ? "GET" : "POST", path,
                              headers: ["Authorization: Bearer \(AdminFixture.token)", "Content-Type: application/json"],
                              body: body ?? "")
    }

    func status(_ s: TestServer) throws -> [String: Any] { try call(s, "/api/status").json }

    @Test func eachControlChangesTheEngine() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let people = try (0..<4).map { try TestAttendee(port: s.port, name: "P\($0)", region: $0 % 2 == 0 ? "viken" : "madrid") }

        #expect(try call(s, "/api/joining/pause", "{}").status == 200)
        #expect(try status(s)["joiningPaused"] as? Bool == true)
        #expect(try call(s, "/api/joining/resume", "{}").status == 200)
        #expect(try status(s)["joiningPaused"] as? Bool == false)

        #expect(try call(s, "/api/mingling/start", "{\"session\":\"s1\"}").status == 200)
        for p in people { _ = try p.expect("breakout") }
        var st = try status(s)
        let phase = try #require((st["rooms"] as? [[String: Any]])?.first)
        #expect(phase["id"] as? String == "main" && phase["phase"] as? String == "mingling" && phase["round"] as? Int == 1)
        #expect((phase["breakouts"] as? [Any])?.count == 2)
        // Two from Viken, two from Madrid: both pairs mix, as many as possible.
        let quality = try #require(phase["quality"] as? [[String: Any]])
        #expect(quality.count == 1 && quality[0]["attribute"] as? String == "region" && quality[0]["policy"] as? String == "mix"
            && quality[0]["satisfied"] as? Int == 2 && quality[0]["groups"] as? Int == 2 && quality[0]["best"] as? Int == 2
            && quality[0]["alone"] == nil)
        #expect((phase["pairing"] as? [[String: Any]])?.map { $0["attribute"] as? String } == ["region"])
        #expect((st["attendees"] as? [String: Any])?["inBreakout"] as? Int == 4)
        #expect((st["shares"] as? [String: Any])?["breakoutsSpanningRegions"] as? Int == 1)
        let endsAt = try #require(phase["endsAt"] as? Int)

        #expect(try call(s, "/api/round/extend", "{\"seconds\":60}").status == 200)
        #expect(try people[0].expect("round_extended")["endsAt"] as? Int == endsAt + 60_000)
        #expect(try call(s, "/api/round/extend", "{\"seconds\":-5}").status == 400)

        #expect(try call(s, "/api/announce", "{\"text\":\"Lunch is ready\",\"scope\":\"breakouts\"}").status == 200)
        for p in people { #expect(try p.expect("announcement")["text"] as? String == "Lunch is ready") }

        let victim = people[3]
        #expect(try call(s, "/api/attendees/remove", "{\"attendee\":\(victim.id),\"reason\":\"test\"}").status == 200)
        #expect(try victim.expect("removed")["reason"] as? String == "test")
        st = try status(s)
        #expect((st["attendees"] as? [String: Any])?["inBreakout"] as? Int == 2, "the victim's partner left the breakout too")

        #expect(try call(s, "/api/round/end", "{}").status == 200)
        _ = try people[0].expect("round_ended")
        st = try status(s)
        #expect((st["totals"] as? [String: Any])?["roundsRun"] as? Int == 1)

        #expect(try call(s, "/api/mingling/stop", "{}").status == 200)
        #expect((try status(s)["rooms"] as? [[String: Any]])?.first?["phase"] as? String == "lobby")
        // A refused command says why.
        let refused = try call(s, "/api/round/end", "{}")
        #expect(refused.status == 409 && (refused.json["error"] as? [String: Any])?["code"] != nil)

        // Every command is in the journal with who did it.
        s.stop()
        let journal = try String(contentsOfFile: s.directory.path + "/var/journal.jsonl", encoding: .utf8)
        let actions = journal.split(separator: "\n").filter { $0.contains("\"admin_action\"") }
        #expect(actions.count >= 8 && actions.allSatisfy { $0.contains("\"by\":\"token\"") })
    }

    @Test func readyzFollowsTheJournal() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        #expect(try HTTPExchange.send(port: s.port, "GET", "/healthz").status == 200)
        let ready = try HTTPExchange.send(port: s.port, "GET", "/readyz")
        #expect(ready.status == 200)
        try FileManager.default.removeItem(atPath: s.directory.path + "/var/journal.jsonl")
        let notReady = try HTTPExchange.send(port: s.port, "GET", "/readyz")
        #expect(notReady.status == 503 && notReady.body.contains("journal"))
    }
}
