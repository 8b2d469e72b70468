import EventLoop
import HTTP1
import Mingling

/// Who may open a room's display page, its feed and its poster: whoever holds the room's display key
/// (`?key=`, handed out on the dashboard for the venue's projector), or a signed-in admin. Everyone else
/// gets 401. The key opens nothing else.
enum RoomAccess {
    static func check(_ head: HTTPRequestHead, room: RoomID, connection: Connection, settings: ServerSettings,
                      auth: AdminAuth, keys: DisplayKeys) -> HTTPResponse? {
        if let key = queryValue("key", in: head.query), keys.isValid(key, for: room) { return nil }
        if head.headers["authorization"] != nil || AdminAuth.cookie(AdminAuth.cookieName, in: head) != nil {
            let remote = ClientAddress.of(head, connection: connection, settings: settings)
            if case .allowed = auth.check(head, remote: remote, nowSeconds: WallClock.now().millisecondsSinceEpoch / 1000) {
                return nil
            }
        }
        var r = HTTPResponse.text("This page needs the room's display key (from the dashboard) or an admin session.\n", status: 401)
        r.headers.append(name: "Cache-Control", value: "no-store")
        return r
    }

    /// The room's link as attendees type it or scan it: `https://<host>/r/<room>`, or
    /// `https://<host>/e/x/r/<room>` when the request came through the base path `/e/x`.
    static func link(to room: RoomID, _ head: HTTPRequestHead, _ settings: ServerSettings) -> String {
        let host = head.headers["host"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        let secure = !settings.plain || settings.forwardedForHeader != nil
        return "\(secure ? "https" : "http")://\(host)\(settings.base.mount(of: head))/r/\(room.rawValue)"
    }

    /// One `name=value` of a query string, percent-decoded.
    static func queryValue(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name[...] else { continue }
            return FormBody.decode(Array(parts[1].utf8)[...])
        }
        return nil
    }
}
