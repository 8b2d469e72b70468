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
            return route(head, body: body, actor: actor, hub: hub, stats: stats, mount: settings.base.mount(of: head), reply: reply)
        })
    }

    static func sameOrigin(_ head: HTTPRequestHead) -> Bool {
        guard let origin = head.headers["origin"], let host = head.headers["host"] else { return false }
        return origin == "https://\(host)" || origin == "http://\(host)"
    }

    private static func route(_ head: HTTPRequestHead, body: [UInt8], actor: String, hub: HubHandle, stats: ServerStats,
                              mount: String, reply: DeferredReply) -> RouteOutcome {
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
                reply.send(error.map { problem(status(for: $0.code), $0.code.rawValue, $0.message) } ?? ok())
            }))
            return .later
        }
        let path = head.path
        if path.hasPrefix("/api/rooms/") || path == "/api/rooms" {
            return roomRoute(path, post: post, json: json, hub: hub, stats: stats, actor: actor, mount: mount, reply: reply, command: command)
        }
        // The paths from before rooms act on the only room; with several, the room must be named.
        if let action = roomActions[String(path.dropFirst("/api/".count))] {
            guard post else { return .now(methodNotAllowed("POST")) }
            let rooms = hub.greeting.roomIDs
            guard rooms.count == 1 else {
                let names = rooms.map(\.rawValue).joined(separator: ", ")
                return .now(problem(400, "room_required", "this event has several rooms (\(names)): use /api/rooms/<room>/\(action)"))
            }
            return roomAction(action, room: rooms[0], json: json, hub: hub, actor: actor, command: command)
        }
        if let rights = attendeeRights(path, post: post, hub: hub, reply: reply, command: command) { return rights }
        switch (path, post) {
        case ("/api/status", false):
            hub.withHub { hub in reply.send(.json(Array(hub.statusJSON(stats: stats).utf8))) }
            return .later
        case ("/api/reports", false):
            hub.withHub { hub in reply.send(.json(Array(hub.reportsJSON().utf8))) }
            return .later
        case ("/api/joining/pause", true): return command(.pauseJoining)
        case ("/api/joining/resume", true): return command(.resumeJoining)
        case ("/api/attendees/remove", true):
            guard let id = JSONValues.int(json["attendee"]), id > 0, let raw = UInt32(exactly: id) else {
                return .now(problem(400, "bad_field", "attendee: must be an attendee id"))
            }
            let reason = (json["reason"] as? String) ?? "removed by the organisers"
            guard Limits.removalReason.allows(text: reason) else {
                return .now(problem(400, "bad_field", "reason: must be \(Limits.removalReason)"))
            }
            return command(.removeAttendee(AttendeeID(raw), reason: reason))
        case ("/api/announce", true):
            var room: RoomID?
            if let given = json["room"], !(given is NSNull) {
                guard let text = given as? String, hub.greeting.roomIDs.contains(RoomID(text)) else {
                    return .now(problem(404, "unknown_room", "room: no such room"))
                }
                room = RoomID(text)
            }
            return announce(json, room: room, hub: hub, actor: actor, reply: reply)
        case ("/api/status", true), ("/api/reports", true):
            return .now(methodNotAllowed("GET"))
        case (let p, false) where postRoutes.contains(p):
            return .now(methodNotAllowed("POST"))
        default:
            return .now(problem(404, "not_found", "no such API route"))
        }
    }

    /// `/api/rooms` (GET: the rooms with their state) and `/api/rooms/<room>/<action>`.
    private static func roomRoute(
        _ path: String, post: Bool, json: [String: Any], hub: HubHandle, stats: ServerStats, actor: String,
        mount: String, reply: DeferredReply, command: (AdminCommand) -> RouteOutcome
    ) -> RouteOutcome {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3)
        if parts.isEmpty || parts == [""] {
            guard !post else { return .now(methodNotAllowed("GET")) }
            hub.withHub { hub in reply.send(.json(Array(hub.roomsJSON().utf8))) }
            return .later
        }
        let room = RoomID(String(parts.first!))
        let action = parts.dropFirst().joined(separator: "/")
        guard hub.greeting.roomIDs.contains(room) else {
            return .now(problem(404, "unknown_room", "no room \"\(room.rawValue.prefix(64))\" in this event"))
        }
        if action == "display" {
            guard !post else { return .now(methodNotAllowed("GET")) }
            return .now(.json(Array(hub.displayAccess(room, mount: mount).utf8)))
        }
        guard roomActions.values.contains(action) || action == "announce" else {
            return .now(problem(404, "not_found", "no such API route"))
        }
        guard post else { return .now(methodNotAllowed("POST")) }
        if action == "announce" { return announce(json, room: room, hub: hub, actor: actor, reply: reply) }
        return roomAction(action, room: room, json: json, hub: hub, actor: actor, command: command)
    }

    private static func roomAction(
        _ action: String, room: RoomID, json: [String: Any], hub: HubHandle, actor: String,
        command: (AdminCommand) -> RouteOutcome
    ) -> RouteOutcome {
        switch action {
        case "mingling/start":
            if let s = json["session"], !(s is String) { return .now(problem(400, "bad_field", "session: must be a session id")) }
            return command(.startMingling(room, (json["session"] as? String).map { SessionID($0) }))
        case "mingling/stop": return command(.stopMingling(room))
        case "round/end": return command(.endRoundNow(room))
        default:
            guard let s = JSONValues.int(json["seconds"]), s > 0 else {
                return .now(problem(400, "bad_field", "seconds: must be a positive integer"))
            }
            return command(.extendRound(room, seconds: s))
        }
    }

    private static func announce(_ json: [String: Any], room: RoomID?, hub: HubHandle, actor: String,
                                 reply: DeferredReply) -> RouteOutcome {
        guard let text = json["text"] as? String, Limits.announcement.allows(text: text) else {
            return .now(problem(400, "bad_field", "text: must be \(Limits.announcement)"))
        }
        let scopeText = (json["scope"] as? String) ?? "everyone"
        guard let scope = AnnouncementScope(rawValue: scopeText) else {
            return .now(problem(400, "bad_field", "scope: must be everyone or breakouts"))
        }
        // Answered once the hub has recorded it and queued it for every socket (an OK is a promise).
        hub.submit(.announce(text: text, scope: scope, room: room, by: actor, reply: { refusal in
            reply.send(refusal.map { problem(status(for: $0.code), $0.code.rawValue, $0.message) } ?? ok())
        }))
        return .later
    }

    /// An attendee's rights, exercised through the organisers: `GET /api/attendees/<id>/export` (everything
    /// held about them, as JSON) and `POST /api/attendees/<id>/erase` (their personal data deleted, from the
    /// journal too). Nil for any other path.
    private static func attendeeRights(
        _ path: String, post: Bool, hub: HubHandle, reply: DeferredReply, command: (AdminCommand) -> RouteOutcome
    ) -> RouteOutcome? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[2] == "attendees", ["export", "erase"].contains(parts[4]) else { return nil }
        guard let raw = UInt32(parts[3]), raw > 0 else { return .now(problem(400, "bad_field", "attendee: must be an attendee id")) }
        let id = AttendeeID(raw)
        if parts[4] == "erase" {
            guard post else { return .now(methodNotAllowed("POST")) }
            return command(.eraseAttendee(id))
        }
        guard !post else { return .now(methodNotAllowed("GET")) }
        hub.withHub { hub in
            reply.send(hub.exportJSON(id).map { .json(Array($0.utf8)) }
                ?? problem(404, "unknown_attendee", "no attendee with that id, or their data were deleted"))
        }
        return .later
    }

    /// Old path (after `/api/`) -> the action under `/api/rooms/<room>/`.
    static let roomActions: [String: String] = [
        "mingling/start": "mingling/start", "mingling/stop": "mingling/stop", "round/end": "round/end",
        "round/extend": "round/extend",
    ]

    static let postRoutes: Set<String> = [
        "/api/joining/pause", "/api/joining/resume", "/api/attendees/remove", "/api/announce",
    ]

    /// 404 for a room that does not exist, 503 while the journal fails (try again), 409 for the engine's refusals.
    static func status(for code: ErrorCode) -> Int {
        switch code {
        case .unknownRoom: 404
        case .unavailable: 503
        default: 409
        }
    }

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
