import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer

/// "Good conversation?" through a real server: the answer is confirmed to its sender only, refused twice,
/// and counted per room and round in the status API and `/metrics`.
@Suite struct FeedbackAPITests {
    func call(_ s: TestServer, _ path: String, _ body: String? = nil) throws -> HTTPExchange {
        try HTTPExchange.send(port: s.port, body == nil ? "GET" : "POST", path,
                              headers: ["Authorization: Bearer \(AdminFixture.token)", "Content-Type: application/json"],
                              body: body ?? "")
    }

    @Test func feedbackIsCountedAndNeverShown() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let kari = try TestAttendee(port: s.port, name: "Kari", region: "viken")
        let lucia = try TestAttendee(port: s.port, name: "Lucía", region: "madrid")
        #expect(try call(s, "/api/mingling/start", "{}").status == 200)
        let breakout = try #require(try kari.expect("breakout")["id"] as? Int)
        _ = try lucia.expect("breakout")
        #expect(try call(s, "/api/round/end", "{}").status == 200)
        _ = try kari.expect("round_ended")
        try kari.send(#"{"type":"feedback","breakout":\#(breakout),"answer":"so_so"}"#)
        let recorded = try kari.expect("feedback_recorded")
        #expect(recorded["breakout"] as? Int == breakout && recorded["answer"] as? String == "so_so")
        try kari.send(#"{"type":"feedback","breakout":\#(breakout),"answer":"yes"}"#)
        let again = try kari.expect("error")
        #expect(again["code"] as? String == "feedback_already_given" && again["request"] as? String == "feedback")
        // Lucía hears nothing of it; her own answer is counted too.
        try lucia.send(#"{"type":"feedback","breakout":\#(breakout),"answer":"yes"}"#)
        #expect(try lucia.expect("feedback_recorded")["answer"] as? String == "yes")

        let status = try call(s, "/api/status").json
        let room = try #require((status["rooms"] as? [[String: Any]])?.first)
        let totals = try #require(room["totals"] as? [String: Any])
        #expect(totals["feedback"] as? [String: Int] == ["yes": 1, "so_so": 1, "no": 0])
        let rounds = try #require(room["feedbackByRound"] as? [[String: Any]])
        #expect(rounds.count == 1 && rounds[0]["session"] as? String == "s1" && rounds[0]["round"] as? Int == 1
            && rounds[0]["yes"] as? Int == 1 && rounds[0]["so_so"] as? Int == 1 && rounds[0]["no"] as? Int == 0)
        #expect((status["totals"] as? [String: Any])?["feedback"] as? [String: Int] == ["yes": 1, "so_so": 1, "no": 0])
        let metrics = try call(s, "/metrics").body
        #expect(metrics.contains(#"mingle_room_feedback_total{room="main",answer="so_so"} 1"#))
        #expect(metrics.contains(#"mingle_room_feedback_total{room="main",answer="no"} 0"#))
        #expect(!metrics.contains("Kari"))
    }
}
