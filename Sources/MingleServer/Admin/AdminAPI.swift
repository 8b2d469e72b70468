import EventLoop
import Foundation
import HTTP1
import Mingling

/// `/api/...`: the organisers' JSON API (documented in README.md, "Admin API"). Every route
/// needs admin authentication; state-changing routes are POST and, when authenticated by the
/// dashboard cookie, must come from our own origin (CSRF). Commands run on the hub and are
/// journaled with the admin's identity.
enum AdminAPI {
    static func install(on router: Router, auth: AdminAuth, hub: HubHandle, stats: ServerStats, settings: ServerSettings) {
        router.addPrefix("/api/", deferred: { head, body, connection, reply in
            let remote = ClientAddress.of(head, connection: connection, settings: settings)
            let nowSeconds = WallClock.now().millisecondsSinceEpoch / 1000
            let actor: String
            switch auth.check(head, remote: remote, nowSeconds: nowSeconds) {
            case .allowed(let who): actor = who
            case .unauthenticated:
                var r = problem(401, "unauthenticated", "send Authorization: Bearer <admin token>")
                r.headers.append(name: "WWW-Authenticate", value: "Bearer realm=\"mingle-admin\"")
                return .now(r)
            case .lockedOut(let seconds):
                var r = problem(429, "locked_out", "too many failed attempts; retry in \(seconds) s")
                r.headers.append(name: "Retry-After", value: "\(seconds)")
                return .now(r)
            }
            if head.method == "POST", actor == "dashboard", !sameOrigin(head) {
                return .now(problem(403, "cross_origin", "state-changing requests must come from this server's pages"))
            }
            return route(head, body: body, actor: actor, hub: hub, stats: stats, reply: reply)
        })
    }

    static func sameOrigin(_ head: HTTPRequestHead) -> Bool {
        guard let origin = head.headers["origin"], let host = head.headers["host"] else { return false }
        return origin == "https://\(host)" || origin == "http://\(host)"
    }

    private static func route(_ head: HTTPRequestHead, body: [UInt8], actor: String, hub: HubHandle, stats: ServerStats,
                              reply: DeferredReply) -> RouteOutcome {
        let json: [String: Any]
        if body.isEmpty {
            json = [:]
        } else if let o = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            json = o
        } else {
            return .now(problem(400, "bad_json", "the body must be a JSON object"))
        }
        let post = head.method == "POST"
        func command(_ c: AdminCommand) -> RouteOutcome {
            hub.submit(.admin(c, by: actor, reply: { error in
                reply.send(error.map { problem(409, $0.code, $0.description) } ?? ok())
            }))
            return .later
        }
        switch (head.path, post) {
        case ("/api/status", false):
            hub.withHub { hub in reply.send(.json(Array(hub.statusJSON(stats: stats).utf8))) }
            return .later
        case ("/api/reports", false):
            hub.withHub { hub in reply.send(.json(Array(hub.reportsJSON().utf8))) }
            return .later
        case ("/api/mingling/start", true):
            if let s = json["session"], !(s is String) { return .now(problem(400, "bad_field", "session: must be a session id")) }
            return command(.startMingling((json["session"] as? String).map { SessionID($0) }))
        case ("/api/mingling/stop", true): return command(.stopMingling)
        case ("/api/round/end", true): return command(.endRoundNow)
        case ("/api/round/extend", true):
            guard let s = JSONValues.int(json["seconds"]), s > 0 else { return .now(problem(400, "bad_field", "seconds: must be a positive integer")) }
            return command(.extendRound(seconds: s))
        case ("/api/joining/pause", true): return command(.pauseJoining)
        case ("/api/joining/resume", true): return command(.resumeJoining)
        case ("/api/attendees/remove", true):
            guard let id = JSONValues.int(json["attendee"]), id > 0, let raw = UInt32(exactly: id) else {
                return .now(problem(400, "bad_field", "attendee: must be an attendee id"))
            }
            let reason = (json["reason"] as? String) ?? "removed by the organisers"
            return command(.removeAttendee(AttendeeID(raw), reason: String(reason.prefix(200))))
        case ("/api/announce", true):
            guard let text = json["text"] as? String, (1...1000).contains(text.count) else {
                return .now(problem(400, "bad_field", "text: must be 1-1000 characters"))
            }
            let scopeText = (json["scope"] as? String) ?? "everyone"
            guard let scope = AnnouncementScope(rawValue: scopeText) else {
                return .now(problem(400, "bad_field", "scope: must be everyone or breakouts"))
            }
            hub.submit(.announce(text: text, scope: scope, by: actor))
            return .now(ok())
        case ("/api/status", true), ("/api/reports", true):
            return .now(methodNotAllowed("GET"))
        case (let p, false) where postRoutes.contains(p):
            return .now(methodNotAllowed("POST"))
        default:
            return .now(problem(404, "not_found", "no such API route"))
        }
    }

    static let postRoutes: Set<String> = [
        "/api/mingling/start", "/api/mingling/stop", "/api/round/end", "/api/round/extend",
        "/api/joining/pause", "/api/joining/resume", "/api/attendees/remove", "/api/announce",
    ]

    static func ok() -> HTTPResponse { .json(Array("{\"ok\":true}".utf8)) }

    static func problem(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        var w = JSONWriter()
        w.beginObject()
        w.key("error"); w.beginObject(); w.field("code", code); w.field("message", message); w.endObject()
        w.endObject()
        var r = HTTPResponse.json(Array(w.text.utf8), status: status)
        r.headers.set(name: "Cache-Control", value: "no-store")
        return r
    }

    static func methodNotAllowed(_ allow: String) -> HTTPResponse {
        var r = problem(405, "method_not_allowed", "use \(allow)")
        r.headers.append(name: "Allow", value: allow)
        return r
    }
}
