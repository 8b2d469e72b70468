import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer

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

    @Test func lockoutAfterRepeatedFailures() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        var statuses: [Int] = []
        for _ in 0..<7 {
            statuses.append(try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: ["Authorization: Bearer wrong-wrong-wrong"]).status)
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 401 })
        #expect(statuses.last == 429)
        // Even the right token waits out the lockout.
        #expect(try HTTPExchange.send(port: s.port, "GET", "/api/status", headers: ["Authorization: Bearer \(AdminFixture.token)"]).status == 429)
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
