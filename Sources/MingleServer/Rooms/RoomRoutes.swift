import EventLoop
import HTTP1
import Mingling
import QRCode

/// A room's public link and the pages for its venue:
///
///     GET /r/<room>                   303 to the attendee app with the room (`/?room=<room>`)
///
/// Under the base path (`/e/x/r/<room>`) every link and redirect keeps the prefix (`BasePath`).
///     GET /r/<room>/qr.svg            the link as a QR code (public: it holds only the link)
///     GET /r/<room>/display           the projector page (display key or admin session)
///     GET /r/<room>/display/ws        its live feed (DisplayFeedEndpoint)
///     GET /r/<room>/poster            a printable A4 poster (display key or admin session)
///     GET /r/<room>/poster.json       what the poster shows
///
/// Pages are static files (`Public/display/`) served after the check; they hold no data themselves.
enum RoomRoutes {
    static func install(on router: Router, settings: ServerSettings, hub: HubHandle, auth: AdminAuth) {
        router.displayFeed = DisplayFeedEndpoint(settings: settings, auth: auth, hub: hub)
        router.addPrefix("/r/", deferred: { [unowned router] head, _, connection, reply in
            guard head.method == "GET" || head.method == "HEAD" else { return .now(.onlyGet(head) { .status(405) }) }
            let parts = head.path.dropFirst(3).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty, ObjectReader.isIdentifier(first) else {
                return .now(.text("There is no such room at this event.\n", status: 404))
            }
            let room = RoomID(first)
            let mount = settings.base.mount(of: head)
            guard hub.greeting.roomIDs.contains(room) else {
                // The page explains an unknown room and offers the event's rooms (a room added later by a
                // reload of the event file works from the same link).
                return .now(parts.count == 1 || parts == [first, ""] ? AdminRoutes.redirect(mount + "/?room=\(first)")
                                                                     : .text("There is no such room at this event.\n", status: 404))
            }
            switch Array(parts.dropFirst()) {
            case [], [""]:
                return .now(AdminRoutes.redirect(mount + "/?room=\(room.rawValue)"))
            case ["qr.svg"]:
                return .now(qrCode(RoomAccess.link(to: room, head, settings)))
            case ["display"], ["poster"], ["poster.json"]:
                if let refusal = RoomAccess.check(head, room: room, connection: connection, settings: settings,
                                                  auth: auth, keys: hub.displayKeys) {
                    return .now(refusal)
                }
                switch parts[1] {
                case "display": return .now(page(router, "/display/index.html"))
                case "poster": return .now(page(router, "/display/poster.html"))
                default:
                    let link = RoomAccess.link(to: room, head, settings)
                    hub.withHub { hub in
                        reply.send(hub.posterJSON(room, link: link).map { .json(Array($0.utf8)) } ?? .status(404))
                    }
                    return .later
                }
            default:
                return .now(.text("Not found.\n", status: 404))
            }
        })
    }

    /// The room's link as a QR code (SVG made here: no third-party service sees who opens which room).
    static func qrCode(_ link: String) -> HTTPResponse {
        guard let symbol = try? QRSymbol(encoding: link) else {
            return .text("The room's link is too long for a QR code.\n", status: 500)
        }
        var r = HTTPResponse(status: 200, body: Array(SVGWriter.svg(for: symbol, title: "QR code: \(link)").utf8))
        r.headers.append(name: "Content-Type", value: "image/svg+xml")
        r.headers.append(name: "Cache-Control", value: "no-cache")
        return r
    }

    /// A static page served under a room's path, never cached (it sits behind the key check).
    static func page(_ router: Router, _ file: String) -> HTTPResponse {
        var r = AdminRoutes.page(router, file, status: 200)
        r.headers.set(name: "Referrer-Policy", value: "no-referrer")
        return r
    }

}
