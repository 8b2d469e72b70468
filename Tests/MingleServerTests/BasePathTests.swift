import Foundation
import HTTP1
import MingleTestSupport
import Testing
@testable import MingleServer

/// An event behind a proxy that routes by path (`/e/x/...`): the same server answers there and at the
/// root, and every URL it hands out for a request keeps the way that request came.
@Suite struct BasePathTests {
    static func head(_ target: String) -> HTTPRequestHead { HTTPRequestHead(method: "GET", target: target) }

    static func base(_ text: String) throws -> BasePath { try BasePath.parse(text).get() }

    @Test func parseAcceptsPrefixesAndNamesTheRule() throws {
        #expect(try Self.base("").isRoot && Self.base("/").isRoot)
        #expect(try Self.base("/e/cocreation").value == "/e/cocreation")
        #expect(try Self.base("/events_2027/open-day").value == "/events_2027/open-day")
        #expect(BasePath.parse("e/x") == .failure(.shape))
        #expect(BasePath.parse("/e/x/") == .failure(.shape))
        #expect(BasePath.parse("/e//x") == .failure(.segment("")))
        #expect(BasePath.parse("/e/Co") == .failure(.segment("Co")))
        #expect(BasePath.parse("/e/../x") == .failure(.segment("..")))
        #expect(BasePath.parse("/e/x%2f") == .failure(.segment("x%2f")))
        #expect(BasePath.parse("/admin/x") == .failure(.reserved("admin")))
        #expect(BasePath.parse("/r") == .failure(.reserved("r")))
        #expect(BasePath.parse("/" + String(repeating: "a", count: 100)) == .failure(.tooLong(bytes: 101)))
        #expect(BasePathError.reserved("api").description == "must not start with \"/api\", a path the server answers itself")
    }

    @Test func stripOnlyWhatCameThroughThePrefix() throws {
        let b = try Self.base("/e/x")
        let cases: [(target: String, path: String, mounted: Bool)] = [
            ("/e/x", "/", true), ("/e/x/", "/", true), ("/e/x?room=a", "/", true), ("/e/x/admin", "/admin", true),
            ("/e/x/r/a/display?key=k", "/r/a/display", true), ("/e/x/e/x/ws", "/e/x/ws", true),
            ("/e/xy", "/e/xy", false), ("/e/xy/ws", "/e/xy/ws", false), ("/e", "/e", false), ("/ws", "/ws", false),
            ("/", "/", false), ("http://h/e/x/ws", "/e/x/ws", false), ("*", "*", false),
        ]
        #expect(b.isBare(Self.head("/e/x")) && b.isBare(Self.head("/e/x?room=a")) && !b.isBare(Self.head("/e/x/")) && !b.isBare(Self.head("/e/xy")))
        for c in cases {
            var h = Self.head(c.target)
            #expect(b.strip(&h) == c.mounted, "\(c.target)")
            #expect(h.path == c.path && h.target == c.target, "\(c.target) -> \(h.path)")
            #expect(b.isMounted(h) == c.mounted && b.mount(of: h) == (c.mounted ? "/e/x" : ""), "\(c.target)")
        }
        var h = Self.head("/e/x/ws")
        #expect(!BasePath.root.strip(&h) && h.path == "/e/x/ws" && BasePath.root.mount(of: h) == "")
    }

    @Test func settingsFileAndFlagCheckIt() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/server.json"
        try #"{"basePath": "/e/cocreation"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ServerSettingsLoader.load(path: path).get().basePath == "/e/cocreation")
        try #"{"basePath": "/api/x"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let errors) = ServerSettingsLoader.load(path: path) else { Issue.record("accepted /api/x"); return }
        #expect(errors.description == "server.json: basePath: must not start with \"/api\", a path the server answers itself")
        var s = ServerSettings()
        #expect(s.setBasePath("/e/x/") != nil && s.basePath == "")
        #expect(s.setBasePath("/e/x") == nil && s.basePath == "/e/x")
    }

    /// The built-in pages name no URL by an absolute path: the pages relative to the folder they are
    /// served from, the scripts through `js/paths.js` (the app's root from its own module URL) or relative
    /// to the module, so under a base path every one of them still reaches this event's server.
    @Test func builtInPagesUseOnlyRelativeURLs() throws {
        let dir = try #require(StaticFiles.bundledPublicDirectory())
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir).sorted()
        var pages = 0
        for name in files where name.hasSuffix(".html") || name.hasSuffix(".js") || name.hasSuffix(".css") {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            let code = text.split(separator: "\n").filter { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return !t.hasPrefix("//") && !t.hasPrefix("/*") && !t.hasPrefix("*")
            }.joined(separator: "\n")
            if name.hasSuffix(".html") {
                pages += 1
                #expect(!text.contains("<base"), "\(name): a <base> would send its #fragment links to another page")
                for attribute in ["href=\"/", "src=\"/", "action=\"/"] {
                    #expect(!text.contains(attribute), "\(name): an absolute \(attribute)")
                }
                // Served two levels down (/r/<room>/display): every URL climbs back to the root.
                if name.hasPrefix("display/") {
                    for attribute in ["href=\"", "src=\""] {
                        let uses = text.components(separatedBy: attribute).dropFirst()
                        #expect(uses.allSatisfy { $0.hasPrefix("../../") || $0.hasPrefix("#") }, "\(name): \(attribute) not from ../../")
                    }
                }
            } else {
                for absolute in ["from '/", "import('/", "fetch('", "fetch(`", "fetch(path", "'/api", "`/api", "'/admin", "'/r/", "`/r/",
                                 "location.host", "url(/"] {
                    #expect(!code.contains(absolute), "\(name): \(absolute)… bypasses js/paths.js; name the URL with appURL or socketURL")
                }
            }
        }
        #expect(pages == 5, "index, the dashboard and its sign-in, the display and the poster")
    }

    @Test func aMountedEventAnswersUnderItsPrefixAndAtTheRoot() throws {
        let s = try TestServer(echo: false) { settings in
            let path = (settings.stateDirectory as NSString).deletingLastPathComponent + "/event.json"
            _ = FileManager.default.createFile(atPath: path, contents: Data(RoomsFixture.eventJSON().utf8))
            settings.eventConfigPath = path
            settings.adminToken = AdminFixture.token
            #expect(settings.setBasePath("/e/x") == nil)
            settings.forwardedForHeader = "X-Forwarded-For"
        }
        defer { s.stop() }
        func get(_ path: String, _ headers: [String] = []) throws -> HTTPExchange {
            try HTTPExchange.send(port: s.port, "GET", path, headers: headers)
        }
        let bearer = "Authorization: Bearer \(AdminFixture.token)"
        // Pages: the same files, each with the base it was reached through.
        for path in ["/e/x/", "/e/x/index.html", "/", "/e/x/admin/admin.css"] {
            #expect(try get(path).status == 200, "\(path)")
        }
        // The base path itself: its pages' relative URLs need the folder.
        #expect(try get("/e/x").status == 301 || get("/e/x").status == 303)
        #expect(try get("/e/x").header("Location") == "/e/x/" && get("/e/x?room=ws-a").header("Location") == "/e/x/?room=ws-a")
        #expect(try get("/e/x/js/paths.js").status == 200 && get("/e/x/admin/js/dashboard.js").status == 200)
        #expect(try get("/e/xy/").status == 404 && get("/e/").status == 404)
        #expect(try get("/e/x/readyz").status == 200 && get("/readyz").status == 200)
        // Room links, their redirects and QR codes keep the prefix; behind the proxy they are https.
        let link = try get("/e/x/r/ws-a")
        #expect(link.status == 303 && link.header("Location") == "/e/x/?room=ws-a")
        #expect(try get("/r/ws-a").header("Location") == "/?room=ws-a")
        let qr = try HTTPExchange.send(port: s.port, "GET", "/e/x/r/ws-a/qr.svg")
        #expect(qr.body.contains("https://127.0.0.1:\(s.port)/e/x/r/ws-a"))
        #expect(try get("/r/ws-a/qr.svg").body.contains("https://127.0.0.1:\(s.port)/r/ws-a<"))
        let access = try get("/e/x/api/rooms/ws-a/display", [bearer]).json
        let key = try #require(access["key"] as? String)
        #expect(access["link"] as? String == "/e/x/r/ws-a" && access["display"] as? String == "/e/x/r/ws-a/display?key=\(key)")
        #expect(access["poster"] as? String == "/e/x/r/ws-a/poster?key=\(key)")
        #expect(try get("/api/rooms/ws-a/display", [bearer]).json["display"] as? String == "/r/ws-a/display?key=\(key)")
        let display = try get("/e/x/r/ws-a/display?key=\(key)")
        #expect(display.status == 200 && display.body.contains("../../display/display.js"))
        #expect(try get("/e/x/r/ws-a/poster.json?key=\(key)").json["link"] as? String == "https://127.0.0.1:\(s.port)/e/x/r/ws-a")
        // Signing in: the cookie is scoped to the prefix, redirects stay under it.
        let login = try HTTPExchange.send(port: s.port, "POST", "/e/x/admin/login", body: "token=\(AdminFixture.token)")
        #expect(login.status == 303 && login.header("Location") == "/e/x/admin")
        let cookie = try #require(login.header("Set-Cookie"))
        #expect(cookie.contains("; Path=/e/x;") && cookie.hasSuffix("; Secure"))
        let session = "Cookie: " + String(cookie.prefix { $0 != ";" })
        let dashboard = try get("/e/x/admin", [session])
        #expect(dashboard.status == 200 && dashboard.body.contains("\"admin/js/dashboard.js\""))
        #expect(try get("/e/x/admin/", [session]).header("Location") == "/e/x/admin")
        #expect(try get("/e/x/admin").status == 401 && get("/e/x/admin").body.contains("\"admin/js/login.js\""))
        let failed = try HTTPExchange.send(port: s.port, "POST", "/e/x/admin/login", body: "token=wrong-token-000000000")
        #expect(failed.header("Location") == "/e/x/admin?login=failed")
        let rootLogin = try HTTPExchange.send(port: s.port, "POST", "/admin/login", body: "token=\(AdminFixture.token)")
        #expect(rootLogin.header("Set-Cookie")?.contains("; Path=/;") == true && rootLogin.header("Location") == "/admin")
        // The attendee socket, the dashboard's feed and a room's display feed under the prefix.
        let attendee = TestWebSocket(stream: try BlockingClient(port: s.port))
        #expect(try attendee.open(path: "/e/x/ws", extraHeaders: ["Origin: http://127.0.0.1"]).hasPrefix("HTTP/1.1 101"))
        try attendee.send(.text(#"{"type":"join","name":"Kari","attributes":{"region":"viken"},"room":"ws-a"}"#))
        var types: [String] = []
        while let f = try attendee.receiveFrame(), types.count < 10 {
            let m = try JSONSerialization.jsonObject(with: Data(f.payload)) as? [String: Any]
            types.append(m?["type"] as? String ?? "")
            if types.last == "welcome" { break }
        }
        #expect(types.contains("welcome"), "\(types)")
        let feed = TestWebSocket(stream: try BlockingClient(port: s.port))
        #expect(try feed.open(path: "/e/x/admin/ws", extraHeaders: ["Origin: http://127.0.0.1", session]).hasPrefix("HTTP/1.1 101"))
        let screen = TestWebSocket(stream: try BlockingClient(port: s.port))
        #expect(try screen.open(path: "/e/x/r/ws-a/display/ws?key=\(key)", extraHeaders: ["Origin: http://127.0.0.1"]).hasPrefix("HTTP/1.1 101"))
    }
}
