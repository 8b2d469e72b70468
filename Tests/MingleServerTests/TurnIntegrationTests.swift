import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer
@testable import Mingling
import TLS

/// Over real sockets: credentials arrive right before the breakout, verify against the shared secret, come
/// with `welcome` after a resume, are renewed while in a breakout and re-signed after SIGHUP; call reports are
/// validated, rate-bounded, counted per room in the status and /metrics, and written to the connection log.
@Suite struct TurnIntegrationTests {
    static let secret = "turn-test-secret-0123456789abcdef"

    func call(_ s: TestServer, _ path: String, _ body: String? = nil) throws -> HTTPExchange {
        try HTTPExchange.send(port: s.port, body == nil ? "GET" : "POST", path,
                              headers: ["Authorization: Bearer \(AdminFixture.token)", "Content-Type: application/json"],
                              body: body ?? "")
    }

    func server() throws -> (TestServer, String) {
        var secretPath = ""
        let s = try AdminFixture.server { settings in
            secretPath = (settings.stateDirectory as NSString).deletingLastPathComponent + "/turn-secret"
            _ = FileManager.default.createFile(atPath: secretPath, contents: Data((Self.secret + "\n").utf8))
            settings.turn = TurnSettings(urls: ["turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349?transport=tcp"],
                                         secretFile: secretPath, credentialSeconds: 600)
        }
        return (s, secretPath)
    }

    /// The messages up to and including the next one of `type`.
    func messages(_ a: TestAttendee, until type: String) throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        while let f = try a.ws.receiveFrame() {
            guard f.opcode == 1, let m = try? JSONSerialization.jsonObject(with: Data(f.payload)) as? [String: Any] else { continue }
            out.append(m)
            if m["type"] as? String == type { return out }
        }
        throw TestFailure(description: "socket ended before \(type)")
    }

    func checkCredential(_ turn: [String: Any], secret: String = secret, lifetime: Int = 600) throws -> String {
        let server = try #require((turn["iceServers"] as? [[String: Any]])?.first)
        #expect(server["urls"] as? [String] == ["turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349?transport=tcp"])
        let username = try #require(server["username"] as? String)
        let credential = try #require(server["credential"] as? String)
        #expect(credential == Data(HMACSHA1.authenticate(Array(username.utf8), key: Array(secret.utf8))).base64EncodedString())
        let expiry = try #require(Int(username.split(separator: ":")[0]))
        let now = Int(Date().timeIntervalSince1970)
        #expect(abs(expiry - (now + lifetime)) <= 5, "expires \(lifetime) s from now")
        #expect(turn["expiresAt"] as? Int == expiry * 1000)
        return username
    }

    @Test func credentialsComeBeforeTheBreakoutAndAreRenewed() throws {
        let (s, secretPath) = try server()
        defer { s.stop() }
        let a = try TestAttendee.joining(port: s.port, name: "Kari", region: "viken")
        let welcome = try a.expect("welcome")
        a.id = (welcome["attendee"] as? [String: Any])?["id"] as? Int ?? 0
        #expect(welcome["turn"] is NSNull, "no credential outside a breakout")
        let token = try #require(welcome["resumeToken"] as? String)
        let b = try TestAttendee(port: s.port, name: "Lucia", region: "madrid")
        #expect(try call(s, "/api/mingling/start", "{\"session\":\"s1\"}").status == 200)

        var usernames: [String] = []
        for x in [a, b] {
            let seen = try messages(x, until: "breakout")
            let types = seen.compactMap { $0["type"] as? String }
            #expect(types.suffix(2) == ["turn_credentials", "breakout"], "\(types)")
            usernames.append(try checkCredential(seen[seen.count - 2]))
        }
        #expect(usernames[0].split(separator: ":")[1] != usernames[1].split(separator: ":")[1], "a pseudonym each")

        // Renewal: at three quarters of 600 s (the hub is asked as if that time had come).
        let hub = try #require(s.server.hub)
        hub.withHub { h in
            h.renewTurnCredentials(now: h.wallClock().adding(seconds: 460))
            h.flushOutgoing()
        }
        let renewed = try a.expect("turn_credentials")
        let renewedServer = try #require((renewed["iceServers"] as? [[String: Any]])?.first)
        let renewedName = try #require(renewedServer["username"] as? String)
        #expect(Int(renewedName.split(separator: ":")[0])! - Int(usernames[0].split(separator: ":")[0])! >= 455)
        _ = try b.expect("turn_credentials")

        // SIGHUP with a new secret: everyone in a breakout gets a credential signed with it.
        let newSecret = "rotated-secret-fedcba9876543210"
        try (newSecret + "\n").write(toFile: secretPath, atomically: true, encoding: .utf8)
        s.server.reloadTurnSecret()
        _ = try checkCredential(try b.expect("turn_credentials"), secret: newSecret)
        #expect(s.logLines.all.contains { $0.contains("turn_secret_reloaded") })
        #expect(!s.logLines.all.contains { $0.contains(Self.secret) || $0.contains(newSecret) }, "never logged")

        // Back after a reload of the page: the credential comes with welcome.
        let again = try TestAttendee.resuming(port: s.port, token: token)
        let back = try again.expect("welcome")
        _ = try checkCredential(try #require(back["turn"] as? [String: Any]), secret: newSecret)
    }

    @Test func callReportsAreCountedPerRoomAndLogged() throws {
        let (s, _) = try server()
        defer { s.stop() }
        let a = try TestAttendee(port: s.port, name: "Kari", region: "viken")
        let b = try TestAttendee(port: s.port, name: "Lucia", region: "madrid")
        // Outside a breakout a report is refused.
        try a.send(#"{"type":"call_report","peer":\#(b.id),"outcome":"started"}"#)
        var e = try a.expect("error")
        #expect(e["code"] as? String == "not_in_breakout" && e["request"] as? String == "call_report")
        #expect(try call(s, "/api/mingling/start", "{\"session\":\"s1\"}").status == 200)
        _ = try a.expect("breakout"); _ = try b.expect("breakout")

        try a.send(#"{"type":"call_report","peer":\#(b.id),"outcome":"started"}"#)
        try b.send(#"{"type":"call_report","peer":\#(a.id),"outcome":"started"}"#)
        try a.send(#"{"type":"call_report","peer":\#(b.id),"outcome":"connected","path":"relay","ms":512}"#)
        try b.send(#"{"type":"call_report","peer":\#(a.id),"outcome":"connected","path":"relay","ms":530}"#)
        try a.send(#"{"type":"call_report","peer":999,"outcome":"started"}"#)
        e = try a.expect("error")
        #expect(e["code"] as? String == "not_in_same_breakout")

        let status = try call(s, "/api/status").json
        let room = try #require((status["rooms"] as? [[String: Any]])?.first)
        let calls = try #require(room["calls"] as? [String: Any])
        #expect(calls["started"] as? Int == 1 && calls["connected"] as? Int == 1 && calls["relayed"] as? Int == 1)
        // The first of the two reports to reach the hub sets the time (the sockets race).
        let median = try #require(calls["medianConnectMs"] as? Int)
        #expect(calls["relayPercent"] as? Int == 100 && [512, 530].contains(median) && calls["failed"] as? Int == 0, "\(calls)")
        #expect((status["calls"] as? [String: Any])?["started"] as? Int == 1)
        let metrics = try call(s, "/metrics").body
        #expect(metrics.contains(#"mingle_calls_total{outcome="relayed"} 1"#))
        #expect(metrics.contains(#"mingle_room_calls_total{room="main",outcome="connected"} 1"#))
        #expect(metrics.contains(#"mingle_call_connect_seconds_bucket{le="1"} 1"#))
        #expect(metrics.contains("mingle_call_connect_median_seconds \(Double(median) / 1000)"))

        // Their own budget: 30 at once, then one every 2 s.
        for _ in 0..<32 { try b.send(#"{"type":"call_report","peer":\#(a.id),"outcome":"started"}"#) }
        e = try b.expect("error")
        #expect(e["code"] as? String == "rate_limited" && e["request"] as? String == "call_report")

        s.stop()
        let log = try String(contentsOfFile: s.settings.resolvedConnectionLogPath!, encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains(#""event":"call""#) && $0.contains(#""outcome":"connected""#) })
        #expect(line.contains(#""room":"main""#) && line.contains(#""outcome":"connected","route":"relay","ms":5"#), "\(line)")
        let summary = try LogSummary.make(logFiles: [s.settings.resolvedConnectionLogPath!], journal: nil)
        #expect(summary.callTally.started == 1 && summary.callTally.relayed == 1)
        #expect(summary.text.contains("Video calls                   1 started, 1 connected (1 through the relay, 100%), 0 failed, 0 dropped, 0 recovered; median time to connect 0.5 s"),
                "\(summary.text)")
    }
}
