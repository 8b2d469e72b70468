import EventLoop
import HTTP1
import WebSocket

/// `/admin/ws`: the dashboard's live feed. Refused with 401 (or 429 while locked out) before
/// the upgrade unless the request carries the admin cookie or bearer token, and with 403 from a
/// foreign origin. Once open it gets a `hello` (status plus the charts' last 15 minutes), then a
/// `stats` frame about once a second. One endpoint per connection loop: one timer per loop
/// asks the hub for one snapshot and sends it to every admin socket on that loop. The feed
/// only speaks; anything the browser sends is ignored (commands go through `/api/`).
final class AdminFeedEndpoint: WebSocketEndpoint {
    let settings: ServerSettings
    let auth: AdminAuth
    let hub: HubHandle
    let stats: ServerStats
    private var sessions: [ObjectIdentifier: AdminFeedSession] = [:]
    private var ticking = false
    static let path = "/admin/ws"
    static let tickInterval: Duration = .seconds(1)
    /// The dashboard sends nothing of substance; a small limit keeps the socket cheap.
    static let maxMessageBytes = 4096

    init(settings: ServerSettings, auth: AdminAuth, hub: HubHandle, stats: ServerStats) {
        self.settings = settings
        self.auth = auth
        self.hub = hub
        self.stats = stats
    }

    func webSocketConfig(for head: HTTPRequestHead) -> WebSocketServerConfig {
        var c = WebSocketServerConfig(
            maxMessageBytes: Self.maxMessageBytes, maxFragmentsPerMessage: 4,
            pingInterval: settings.pingInterval, pongTimeout: settings.pongTimeout, closeTimeout: settings.closeTimeout,
            compression: nil)
        c.originPolicy = .allowList(settings.allowedOrigins.isEmpty ? AttendeeEndpoint.sameOrigin(head) : settings.allowedOrigins)
        return c
    }

    func refuse(_ head: HTTPRequestHead, connection: Connection) -> HTTPResponse? {
        let remote = ClientAddress.of(head, connection: connection, settings: settings)
        switch auth.check(head, remote: remote, nowSeconds: WallClock.now().millisecondsSinceEpoch / 1000) {
        case .allowed: return nil
        case .unauthenticated: return AdminRoutes.unauthenticated()
        case .lockedOut(let seconds): return AdminRoutes.lockedOut(seconds)
        }
    }

    func open(head: HTTPRequestHead, connection: Connection, socket: any WebSocketSender,
              now: ContinuousClock.Instant) -> any WebSocketEndpointSession {
        let session = AdminFeedSession(endpoint: self, socket: socket)
        // A cookie session is checked again every tick (expiry, sign-out); a bearer token lasts the connection.
        session.cookie = head.headers["authorization"] == nil ? AdminAuth.cookie(AdminAuth.cookieName, in: head) : nil
        sessions[ObjectIdentifier(session)] = session
        let stats = self.stats
        let reply = socket.deferredReply
        hub.withHub { hub in
            let text = Array(hub.dashboardHelloJSON(stats: stats).utf8)
            reply.handle.execute { _, context in
                context.withConnection(reply.connection, for: "admin hello") { $0.sendText(text, droppable: true) }
            }
        }
        if !ticking {
            ticking = true
            tick(loop: connection.loop, handle: reply.handle)
        }
        return session
    }

    func remove(_ session: AdminFeedSession) { sessions[ObjectIdentifier(session)] = nil }

    private func tick(loop: EventLoop, handle: LoopHandle<LoopContext>) {
        guard !sessions.isEmpty else { ticking = false; return }
        _ = loop.schedule(at: .now + Self.tickInterval) { [weak self, unowned loop] in self?.tick(loop: loop, handle: handle) }
        let stats = self.stats
        hub.withHub { hub in
            let text = Array(hub.dashboardTickJSON(stats: stats).utf8)
            handle.execute { _, context in
                context.router.adminFeed?.broadcast(text)
            }
        }
    }

    func broadcast(_ text: [UInt8]) {
        let now = WallClock.now().millisecondsSinceEpoch / 1000
        for s in sessions.values {
            if let cookie = s.cookie, !auth.verifySession(cookie, nowSeconds: now) {
                // OWASP: a socket outlives its session by at most the revalidation interval.
                s.socket?.closeWebSocket(code: .policyViolation, reason: "admin session ended")
                continue
            }
            s.socket?.sendText(text, droppable: true)
        }
    }
}

final class AdminFeedSession: WebSocketEndpointSession {
    weak var endpoint: AdminFeedEndpoint?
    weak var socket: (any WebSocketSender)?
    var cookie: String?

    init(endpoint: AdminFeedEndpoint, socket: any WebSocketSender) {
        self.endpoint = endpoint
        self.socket = socket
    }

    func started(socket: any WebSocketSender) {}
    func received(text: UnsafeRawBufferPointer, from socket: any WebSocketSender) {}
    func received(binary: UnsafeRawBufferPointer, from socket: any WebSocketSender) {}
    func closed(code: UInt16, reason: String, connection: Connection) { endpoint?.remove(self) }
}
