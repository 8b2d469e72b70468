import EventLoop
import HTTP1
import Mingling
import WebSocket

/// `/r/<room>/display/ws`: the live feed of a room's display page. Opened with the room's display key
/// (`?key=`, from the dashboard) or an admin session; anything else is refused with 401 before the upgrade.
/// One endpoint per connection loop; while it has sockets, a timer asks the hub once a second for the rooms
/// they show and sends each socket its room's state when it changed (and the time, so countdowns agree).
final class DisplayFeedEndpoint: WebSocketEndpoint {
    let settings: ServerSettings
    let auth: AdminAuth
    let hub: HubHandle
    private var sessions: [ObjectIdentifier: DisplayFeedSession] = [:]
    private var ticking = false
    static let tickInterval: Duration = .seconds(1)

    init(settings: ServerSettings, auth: AdminAuth, hub: HubHandle) {
        self.settings = settings
        self.auth = auth
        self.hub = hub
    }

    /// `/r/<room>/display/ws` -> the room.
    static func room(ofFeed path: String) -> RoomID? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "r", parts[3] == "display", parts[4] == "ws" else { return nil }
        return RoomID(String(parts[2]))
    }

    func webSocketConfig(for head: HTTPRequestHead) -> WebSocketServerConfig {
        var c = WebSocketServerConfig(
            maxMessageBytes: 1024, maxFragmentsPerMessage: 4, pingInterval: settings.pingInterval,
            pongTimeout: settings.pongTimeout, closeTimeout: settings.closeTimeout, compression: nil)
        c.originPolicy = .allowList(settings.allowedOrigins.isEmpty ? AttendeeEndpoint.sameOrigin(head) : settings.allowedOrigins)
        return c
    }

    func refuse(_ head: HTTPRequestHead, connection: Connection) -> HTTPResponse? {
        guard let room = Self.room(ofFeed: head.path), hub.greeting.roomIDs.contains(room) else {
            return .text("No such room.\n", status: 404)
        }
        return RoomAccess.check(head, room: room, connection: connection, settings: settings, auth: auth, keys: hub.displayKeys)
    }

    func open(head: HTTPRequestHead, connection: Connection, socket: any WebSocketSender,
              now: ContinuousClock.Instant) -> any WebSocketEndpointSession {
        let room = Self.room(ofFeed: head.path)!
        let session = DisplayFeedSession(endpoint: self, socket: socket, room: room, link: RoomAccess.link(to: room, head, settings))
        sessions[ObjectIdentifier(session)] = session
        let handle = socket.deferredReply.handle
        if !ticking {
            ticking = true
            tick(loop: connection.loop, handle: handle)
        } else {
            refresh(handle)
        }
        return session
    }

    func remove(_ session: DisplayFeedSession) { sessions[ObjectIdentifier(session)] = nil }

    private func tick(loop: EventLoop, handle: LoopHandle<LoopContext>) {
        guard !sessions.isEmpty else { ticking = false; return }
        _ = loop.schedule(at: .now + Self.tickInterval) { [weak self, unowned loop] in self?.tick(loop: loop, handle: handle) }
        refresh(handle)
    }

    /// Asks the hub for the rooms shown on this loop, then gives each socket its room's state (a socket
    /// sends only when that changed).
    private func refresh(_ handle: LoopHandle<LoopContext>) {
        let rooms = Set(sessions.values.map(\.room))
        hub.withHub { hub in
            let now = hub.wallClock()
            var fields: [RoomID: String?] = [:]
            for room in rooms { fields[room] = .some(hub.displayFields(room)) }
            let snapshot = fields
            handle.execute { _, context in context.router.displayFeed?.show(snapshot, serverTime: now) }
        }
    }

    private func show(_ snapshot: [RoomID: String?], serverTime: Timestamp) {
        for session in sessions.values {
            guard let fields = snapshot[session.room] else { continue }
            session.show(fields, serverTime: serverTime)
        }
    }
}

final class DisplayFeedSession: WebSocketEndpointSession {
    weak var endpoint: DisplayFeedEndpoint?
    weak var socket: (any WebSocketSender)?
    let room: RoomID
    let link: String
    private var lastShown: String?
    private var lastSentAt: Timestamp?

    init(endpoint: DisplayFeedEndpoint, socket: any WebSocketSender, room: RoomID, link: String) {
        self.endpoint = endpoint
        self.socket = socket
        self.room = room
        self.link = link
    }

    /// Sends the room's state when it changed, and at least every 30 s so the page's clock stays in step.
    func show(_ fields: String?, serverTime: Timestamp) {
        guard let socket else { return }
        guard let fields else {
            socket.closeWebSocket(code: .normalClosure, reason: "the room is gone")
            return
        }
        let stale = lastSentAt.map { $0.milliseconds(until: serverTime) >= 30_000 } ?? true
        guard fields != lastShown || stale else { return }
        lastShown = fields
        lastSentAt = serverTime
        let text = "{\"type\":\"display\",\"serverTime\":\(serverTime.millisecondsSinceEpoch),"
            + "\"link\":\(JSONText.quote(link)),\(fields)}"
        socket.sendText(Array(text.utf8), droppable: true)
    }

    func started(socket: any WebSocketSender) {}
    func received(text: UnsafeRawBufferPointer, from socket: any WebSocketSender) {}
    func received(binary: UnsafeRawBufferPointer, from socket: any WebSocketSender) {}
    func closed(code: UInt16, reason: String, connection: Connection) { endpoint?.remove(self) }
}
