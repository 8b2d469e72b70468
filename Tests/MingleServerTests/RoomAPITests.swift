import Foundation
import Testing
import MingleTestSupport
import Mingling
@testable import MingleServer

/// The admin API per room, the rooms' public links and their display pages, against a real server.
@Suite struct RoomAPITests {
    typealias F = RoomsFixture

    @Test func controlsActOnTheirRoomOnly() throws {
        let s = try F.server()
        defer { s.stop() }
        let inA = try (0..<4).map { try TestAttendee(port: s.port, name: "A\($0)", region: $0 % 2 == 0 ? "viken" : "madrid", room: "ws-a") }
        let inB = try (0..<2).map { try TestAttendee(port: s.port, name: "B\($0)", region: "viken", room: "ws-b") }
        #expect(try F.call(s, "/api/rooms/ws-a/mingling/start").status == 200)
        let partners = try inA.map { a -> Set<Int> in
            let b = try a.expect("breakout")
            #expect(b["room"] as? String == "ws-a")
            return Set(((b["members"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int })
        }
        #expect(partners.allSatisfy { $0.isSubset(of: Set(inA.map(\.id))) }, "only room A's people are paired")
        var rooms = try F.get(s, "/api/rooms").json["rooms"] as? [[String: Any]] ?? []
        let a = try #require(rooms.first { $0["id"] as? String == "ws-a" })
        let b = try #require(rooms.first { $0["id"] as? String == "ws-b" })
        #expect(a["phase"] as? String == "mingling" && a["round"] as? Int == 1 && a["inBreakouts"] as? Int == 4)
        #expect(a["secondsLeft"] as? Int ?? 0 > 290 && (a["breakouts"] as? [Any])?.count == 2)
        #expect(b["phase"] as? String == "session" && b["present"] as? Int == 2 && b["inBreakouts"] as? Int == 0)
        // Overlapping rounds: B starts while A runs; A's extension leaves B's clock alone.
        #expect(try F.call(s, "/api/rooms/ws-b/mingling/start").status == 200)
        #expect(try F.call(s, "/api/rooms/ws-a/round/extend", "{\"seconds\":60}").status == 200)
        rooms = try F.get(s, "/api/rooms").json["rooms"] as? [[String: Any]] ?? []
        let endsA = rooms.first { $0["id"] as? String == "ws-a" }?["endsAt"] as? Int ?? 0
        let endsB = rooms.first { $0["id"] as? String == "ws-b" }?["endsAt"] as? Int ?? 0
        #expect(endsA - endsB > 50_000)
        // Announcements to one room reach that room only.
        #expect(try F.call(s, "/api/rooms/ws-b/announce", "{\"text\":\"B only\"}").status == 200)
        #expect(try F.call(s, "/api/announce", "{\"text\":\"Everyone\"}").status == 200)
        let toB = try inB[0].expect("announcement")
        #expect(toB["text"] as? String == "B only" && toB["room"] as? String == "ws-b")
        #expect(try inA[0].expect("announcement")["text"] as? String == "Everyone", "A never saw B's")
        #expect(try F.call(s, "/api/rooms/ws-a/round/end").status == 200)
        #expect(try inA[0].expect("round_ended")["room"] as? String == "ws-a")
        #expect(try F.call(s, "/api/rooms/ws-b/mingling/stop").status == 200)
        // Refusals name the problem.
        #expect(try F.call(s, "/api/rooms/ws-b/round/end").status == 409)
        let unknown = try F.call(s, "/api/rooms/nope/round/end")
        #expect(unknown.status == 404 && (unknown.json["error"] as? [String: Any])?["code"] as? String == "unknown_room")
        let ambiguous = try F.call(s, "/api/mingling/start")
        #expect(ambiguous.status == 400 && ambiguous.body.contains("plenary, ws-a, ws-b"))
        #expect(try F.get(s, "/api/rooms/ws-a/round/end").status == 405)
    }

    @Test func attendeesMoveBetweenRooms() throws {
        let s = try F.server()
        defer { s.stop() }
        let kari = try TestAttendee(port: s.port, name: "Kari", region: "viken", room: "plenary")
        _ = try kari.expect("room")
        try kari.send("{\"type\":\"enter_room\",\"room\":\"ws-a\"}")
        #expect(try kari.expect("room")["room"] as? String == "ws-a")
        #expect(try kari.expect("phase")["room"] as? String == "ws-a")
        let presence = try kari.expect("presence")
        #expect(presence["room"] as? String == "ws-a" && presence["total"] as? Int == 1, "who is in the room, at once")
        try kari.send("{\"type\":\"enter_room\",\"room\":\"nope\"}")
        #expect(try kari.expect("error")["code"] as? String == "unknown_room")
        try kari.send("{\"type\":\"leave_room\"}")
        #expect(try kari.expect("room")["room"] is NSNull)
        let nobody = try TestAttendee(port: s.port, name: "Lucía", region: "madrid")
        let welcome = try nobody.expect("rooms")
        #expect((welcome["rooms"] as? [[String: Any]])?.map { $0["id"] as? String } == ["plenary", "ws-a", "ws-b"])
        let status = try F.get(s, "/api/status").json
        #expect((status["attendees"] as? [String: Any])?["inNoRoom"] as? Int == 2)
        let metrics = try F.get(s, "/metrics").body
        #expect(metrics.contains("mingle_room_attendees{room=\"ws-a\",state=\"lobby\"} 0"))
        #expect(metrics.contains("mingle_room_mingling{room=\"plenary\"} 0"))
    }

    @Test func roomLinksAndDisplayPagesNeedTheRoomsKey() throws {
        let s = try F.server()
        defer { s.stop() }
        let link = try HTTPExchange.send(port: s.port, "GET", "/r/ws-a")
        #expect(link.status == 303 && link.header("Location") == "/?room=ws-a")
        let unknown = try HTTPExchange.send(port: s.port, "GET", "/r/nope")
        #expect(unknown.status == 303 && unknown.header("Location") == "/?room=nope", "the page explains an unknown room")
        #expect(try HTTPExchange.send(port: s.port, "GET", "/r/Not%20A%20Room").status == 404)
        #expect(try HTTPExchange.send(port: s.port, "GET", "/r/nope/display").status == 404)
        let qr = try HTTPExchange.send(port: s.port, "GET", "/r/ws-a/qr.svg")
        #expect(qr.status == 200 && qr.header("Content-Type") == "image/svg+xml" && qr.body.contains("<svg"))
        #expect(qr.body.contains("/r/ws-a"), "the QR code's title names the room's link")
        let access = try F.get(s, "/api/rooms/ws-a/display").json
        let key = try #require(access["key"] as? String)
        #expect(access["display"] as? String == "/r/ws-a/display?key=\(key)")
        let otherKey = try #require(try F.get(s, "/api/rooms/ws-b/display").json["key"] as? String)
        #expect(key != otherKey)
        for path in ["/r/ws-a/display", "/r/ws-a/display?key=wrong", "/r/ws-a/display?key=\(otherKey)", "/r/ws-a/poster.json"] {
            #expect(try HTTPExchange.send(port: s.port, "GET", path).status == 401, "\(path)")
        }
        let page = try HTTPExchange.send(port: s.port, "GET", "/r/ws-a/display?key=\(key)")
        #expect(page.status == 200 && page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.header("Cache-Control") == "no-store")
        let admin = try HTTPExchange.send(port: s.port, "GET", "/r/ws-a/poster.json", headers: ["Authorization: Bearer \(AdminFixture.token)"])
        #expect(admin.status == 200 && admin.json["link"] as? String == "https://127.0.0.1:\(s.port)/r/ws-a" || admin.json["link"] as? String == "http://127.0.0.1:\(s.port)/r/ws-a")
        // The feed: refused without the key, then the room's state without names.
        let refused = try BlockingClient(port: s.port)
        try refused.send(TestWebSocket.upgradeRequest(path: "/r/ws-a/display/ws", extraHeaders: ["Origin: http://127.0.0.1"]))
        #expect(String(decoding: try refused.receiveUntilClose(), as: UTF8.self).hasPrefix("HTTP/1.1 401"))
        _ = try TestAttendee(port: s.port, name: "Kari Nordmann", region: "viken", room: "ws-a")
        let feed = TestWebSocket(stream: try BlockingClient(port: s.port))
        #expect(try feed.open(path: "/r/ws-a/display/ws?key=\(key)", extraHeaders: ["Origin: http://127.0.0.1"]).hasPrefix("HTTP/1.1 101"))
        let frame = try #require(try feed.receiveFrame())
        let text = String(decoding: frame.payload, as: UTF8.self)
        let m = try #require(try JSONSerialization.jsonObject(with: Data(frame.payload)) as? [String: Any])
        #expect(m["type"] as? String == "display" && m["phase"] as? String == "session" && m["present"] as? Int == 1)
        #expect((m["room"] as? [String: Any])?["location"] as? String == "Room 2.14")
        #expect((m["session"] as? [String: Any])?["title"] as? String == "Session in ws-a")
        #expect(!text.contains("Kari"), "no names on the room's screen")
        #expect(text.components(separatedBy: "\"session\":{").count == 2 && text.components(separatedBy: "\"session\":\"").count == 2,
                "the session once (and once in nextMingling)")
    }

    /// The room list after `welcome` is reused for a moment during a join storm, but never with an old phase.
    @Test func aGreetingShowsEveryRoomsPhaseAsItIsNow() throws {
        let s = try F.server()
        defer { s.stop() }
        let kari = try TestAttendee(port: s.port, name: "Kari", region: "viken", room: "ws-a")
        let before = try kari.expect("rooms")["rooms"] as? [[String: Any]] ?? []
        #expect(before.first { $0["id"] as? String == "ws-a" }?["phase"] as? String == "session")
        #expect(try F.call(s, "/api/rooms/ws-a/mingling/start").status == 200)
        let lucia = try TestAttendee(port: s.port, name: "Lucía", region: "madrid")
        let after = try lucia.expect("rooms")["rooms"] as? [[String: Any]] ?? []
        #expect(after.first { $0["id"] as? String == "ws-a" }?["phase"] as? String == "mingling")
    }

    @Test func aRoomListSnapshotIsFreshForHalfASecondWhileNoPhaseChanges() {
        let t0 = Timestamp(millisecondsSinceEpoch: 1_000_000)
        let snapshot = RoomListSnapshot(bytes: [1], at: t0, phases: [.lobby])
        #expect(snapshot.isFresh(at: t0.adding(milliseconds: 499), phases: [.lobby]))
        #expect(!snapshot.isFresh(at: t0.adding(milliseconds: 500), phases: [.lobby]))
        #expect(!snapshot.isFresh(at: t0.adding(milliseconds: 10), phases: [.session(SessionID("s1"))]))
        #expect(!snapshot.isFresh(at: t0.adding(milliseconds: -1), phases: [.lobby]), "a clock that went back")
    }
}
