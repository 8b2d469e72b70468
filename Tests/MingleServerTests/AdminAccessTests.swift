import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer
import HTTP1

/// Who may see and do what: unauthenticated requests learn nothing, a foreign origin cannot
/// drive the dashboard's session, and the login form sets the cookie the dashboard uses.
@Suite struct AdminAccessTests {
    @Test func unauthenticatedHTTPLearnsNothing() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let wrongBearer = ["Authorization: Bearer not-the-token-at-all"]
        let forgedCookie = ["Cookie: mingle_admin=admin.9999999999.forged"]
        for (method, path) in [("GET", "/admin"), ("GET", "/api/status"), ("GET", "/api/reports"), ("GET", "/metrics"),
                               ("POST", "/api/round/end"), ("POST", "/api/announce")] {
            for headers in [[], wrongBearer, forgedCookie] {
                let r = try HTTPExchange.send(port: s.port, method, path, headers: headers, body: method == "POST" ? "{}" : "")
                // Repeated wrong bearers end in a lockout (429); either way nothing is revealed.
                #expect(r.status == 401 || r.status == 429, "\(method) \(path) \(headers)")
                #expect(r.status != 401 || r.header("WWW-Authenticate") != nil)
                #expect(!r.body.contains("Admin test event"), "\(path) leaks the event name")
                #expect(!r.body.contains("attendees"), "\(path) leaks numbers")
            }
        }
        // The bare pages are only reachable through /admin.
        for path in ["/admin/dashboard.html", "/admin/login.html", "/admin/"] {
            #expect(try HTTPExchange.send(port: s.port, "GET", path).status == 303)
        }
    }

    @Test func unauthenticatedWebSocketIsRefusedBeforeTheUpgrade() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        for extra in [[String](), ["Cookie: mingle_admin=admin.1.bad"]] {
            let c = try BlockingClient(port: s.port)
            defer { c.close() }
            try c.send(TestWebSocket.upgradeRequest(path: "/admin/ws", extraHeaders: extra + ["Origin: http://127.0.0.1"]))
            let reply = String(decoding: try c.receiveUntilClose(), as: UTF8.self)
            #expect(reply.hasPrefix("HTTP/1.1 401"))
            #expect(!reply.contains("101 Switching"))
            #expect(!reply.contains("Admin test event"))
        }
    }

    /// Issue 12.10: wrong guesses from an address are slowed down (429, a growing Retry-After), but
    /// the right token and a valid session cookie from that same address always get in: on site the
    /// organisers share the venue's address with every attendee.
    @Test func theLockoutSlowsWrongGuessesButNeverRefusesTheRightTokenOrACookie() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let wrong = ["Authorization: Bearer wrong-wrong-wrong"]
        let right = ["Authorization: Bearer \(AdminFixture.token)"]
        var replies: [HTTPExchange] = []
        for _ in 0..<7 {
            replies.append(try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: wrong))
        }
        #expect(replies.map(\.status) == [401, 401, 401, 401, 401, 429, 429])
        #expect(replies.suffix(2).map { $0.header("Retry-After") } == ["2", "4"], "each further wrong guess waits twice as long")

        // The right token, from the same address, in the middle of the lockout: every route that takes it.
        #expect(try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: right).status == 200)
        #expect(try HTTPExchange.send(port: s.port, "GET", "/metrics", headers: right).status == 200)
        #expect(try HTTPExchange.send(port: s.port, "GET", "/admin", headers: right).status == 200)
        let origin = "Origin: http://127.0.0.1:\(s.port)"
        let form = ["Content-Type: application/x-www-form-urlencoded", origin]
        let login = try HTTPExchange.send(port: s.port, "POST", "/admin/login", headers: form, body: "token=\(AdminFixture.token)")
        #expect(login.status == 303 && login.header("Location") == "/admin")
        let cookie = "Cookie: " + String(try #require(login.header("Set-Cookie")).split(separator: ";")[0])
        // The session cookie too, pages, API and the live feed.
        #expect(try HTTPExchange.send(port: s.port, "GET", "/admin", headers: [cookie]).status == 200)
        #expect(try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: [cookie]).status == 200)
        #expect(try HTTPExchange.send(port: s.port, "POST", "/api/joining/pause", headers: [cookie, origin], body: "{}").status == 200)
        let feed = TestWebSocket(stream: try BlockingClient(port: s.port))
        #expect(try feed.open(path: "/admin/ws", extraHeaders: [cookie, "Origin: http://127.0.0.1"]).hasPrefix("HTTP/1.1 101"))

        // Getting in does not lift the lockout for the guesser sharing the address.
        let after = try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: wrong)
        #expect(after.status == 429 && after.header("Retry-After") == "8")
        let badLogin = try HTTPExchange.send(port: s.port, "POST", "/admin/login", headers: form, body: "token=nope")
        #expect(badLogin.status == 303 && badLogin.header("Location") == "/admin?login=locked" && badLogin.header("Set-Cookie") == nil)
    }

    /// The lockout's arithmetic with a clock the test moves: the count, the doubling, other addresses
    /// untouched, the wait lapsing, and an hour of quiet forgetting an address.
    @Test func wrongGuessesWaitLongerEachTimeAndAreForgottenAfterAnHourOfQuiet() {
        let auth = AdminAuth(token: AdminFixture.token, cookieKey: Array(repeating: 7, count: 32))
        func head(_ token: String) -> HTTPRequestHead {
            var h = HTTPRequestHead(method: "GET", target: "/api/status")
            h.headers.append(name: "Authorization", value: "Bearer " + token)
            return h
        }
        let t0 = ContinuousClock.now
        func at(_ seconds: Double, _ token: String = "wrong", from remote: String = "203.0.113.9") -> AdminAuth.Verdict {
            auth.check(head(token), remote: remote, nowSeconds: 1_800_000_000, now: t0 + .milliseconds(Int(seconds * 1000)))
        }
        #expect((0..<8).map { at(Double($0) * 0.01) }
                == Array(repeating: .unauthenticated, count: 5) + [.lockedOut(retryAfterSeconds: 2), .lockedOut(retryAfterSeconds: 4),
                                                                    .lockedOut(retryAfterSeconds: 8)])
        #expect(at(0.1, AdminFixture.token) == .allowed(actor: "token"))
        #expect(at(0.1, from: "203.0.113.10") == .unauthenticated, "another address is not slowed down")
        #expect(at(0.2) == .lockedOut(retryAfterSeconds: 16))
        // Waited out (16 s): the next wrong guess is a plain 401 again, and starts a longer wait.
        #expect(at(17) == .unauthenticated)
        #expect(at(17.1) == .lockedOut(retryAfterSeconds: 64))
        #expect(at(17.2, AdminFixture.token) == .allowed(actor: "token"))
        // An hour after the last wrong guess the address starts from zero.
        #expect((0..<5).map { at(3700 + Double($0)) } == Array(repeating: .unauthenticated, count: 5))
        #expect(at(3704.5) == .lockedOut(retryAfterSeconds: 2))
        // The login form follows the same rule.
        #expect(auth.login(presented: AdminFixture.token, remote: "203.0.113.9", nowSeconds: 1_800_000_000,
                           now: t0 + .seconds(3706)).isSuccess)
        #expect(auth.login(presented: "nope", remote: "203.0.113.9", nowSeconds: 1_800_000_000, now: t0 + .seconds(3706))
                == .failure(.lockedOut(retryAfterSeconds: 4)))
    }

    @Test func loginCookieDrivesTheDashboardButNotFromAnotherOrigin() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let origin = "Origin: http://127.0.0.1:\(s.port)"
        let form = ["Content-Type: application/x-www-form-urlencoded", origin]
        let bad = try HTTPExchange.send(port: s.port, "POST", "/admin/login", headers: form, body: "token=nope")
        #expect(bad.status == 303 && bad.header("Location") == "/admin?login=failed" && bad.header("Set-Cookie") == nil)
        let foreign = try HTTPExchange.send(port: s.port, "POST", "/admin/login",
                                            headers: ["Content-Type: application/x-www-form-urlencoded", "Origin: https://evil.example"],
                                            body: "token=\(AdminFixture.token)")
        #expect(foreign.status == 403)
        let login = try HTTPExchange.send(port: s.port, "POST", "/admin/login", headers: form, body: "token=\(AdminFixture.token)")
        #expect(login.status == 303)
        let setCookie = try #require(login.header("Set-Cookie"))
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
        #expect(!setCookie.contains("Secure"), "plain mode on loopback without a proxy: no Secure flag")
        let cookie = "Cookie: " + String(setCookie.split(separator: ";")[0])

        let page = try HTTPExchange.send(port: s.port, "GET", "/admin", headers: [cookie])
        #expect(page.status == 200 && page.body.contains("dashboard.js"))

        // Cross-origin (or origin-less) state changes with the cookie are refused and change nothing.
        for o in ["Origin: https://evil.example", "Origin: null", "Origin: http://127.0.0.1:1"] {
            let r = try HTTPExchange.send(port: s.port, "POST", "/api/joining/pause", headers: [cookie, o], body: "{}")
            #expect(r.status == 403, "\(o)")
        }
        #expect(try HTTPExchange.send(port: s.port, "POST", "/api/joining/pause", headers: [cookie], body: "{}").status == 403)
        let status = try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: [cookie]).json
        #expect(status["joiningPaused"] as? Bool == false)
        #expect(try HTTPExchange.send(port: s.port, "POST", "/api/joining/pause", headers: [cookie, origin], body: "{}").status == 200)

        // The feed: foreign origin refused (403), own origin gets the hello with the status.
        let evil = try BlockingClient(port: s.port)
        try evil.send(TestWebSocket.upgradeRequest(path: "/admin/ws", extraHeaders: [cookie, "Origin: https://evil.example"]))
        #expect(String(decoding: try evil.receiveUntilClose(), as: UTF8.self).hasPrefix("HTTP/1.1 403"))
        let feed = TestWebSocket(stream: try BlockingClient(port: s.port))
        #expect(try feed.open(path: "/admin/ws", extraHeaders: [cookie, "Origin: http://127.0.0.1"]).hasPrefix("HTTP/1.1 101"))
        let hello = try #require(try feed.receiveFrame())
        let m = try #require(try JSONSerialization.jsonObject(with: Data(hello.payload)) as? [String: Any])
        #expect(m["type"] as? String == "hello")
        #expect((m["status"] as? [String: Any])?["joiningPaused"] as? Bool == true)
        let tick = try #require(try feed.receiveFrame())
        #expect(String(decoding: tick.payload, as: UTF8.self).hasPrefix("{\"type\":\"stats\""))

        let out = try HTTPExchange.send(port: s.port, "POST", "/admin/logout", headers: [cookie, origin])
        #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        // Signing out voids the cookie everywhere and closes the open feed (1008).
        #expect(try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: [cookie]).status == 401)
        var closeCode: UInt16?
        while let f = try feed.receiveFrame() {
            if f.opcode == 8 { closeCode = f.closeCode; break }
        }
        #expect(closeCode == 1008)
    }

    @Test func secureCookieOverTLS() throws {
        #expect(AdminRoutes.sessionCookie("v", settings: ServerSettings(), maxAge: 60).hasSuffix("; Secure"))
        var behindProxy = ServerSettings()
        behindProxy.plain = true
        behindProxy.forwardedForHeader = "X-Forwarded-For"
        #expect(AdminRoutes.sessionCookie("v", settings: behindProxy, maxAge: 60).hasSuffix("; Secure"))
    }

    @Test func formBodyDecoding() {
        #expect(FormBody.value("token", in: Array("a=1&token=ab%2Bc+d%3D".utf8)) == "ab+c d=")
        #expect(FormBody.value("token", in: Array("token=%zz".utf8)) == nil)
        #expect(FormBody.value("token", in: Array("token=%4".utf8)) == nil)
        #expect(FormBody.value("missing", in: Array("token=x".utf8)) == nil)
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
