import EventLoop
import HTTP1
import WebSocket

/// The server's routes in one place.
enum Routes {
    /// `staticFiles` were loaded once at start (a failure there stops the start) and are shared by every loop.
    static func install(on router: Router, settings: ServerSettings, stats: ServerStats, hub: HubHandle?,
                        adminAuth: AdminAuth?, staticFiles: StaticFiles) {
        router.add("/healthz") { head, _, _ in
            .onlyGet(head) { .text("ok\n", status: 200) }
        }
        if let hub {
            router.addWebSocket("/ws", AttendeeEndpoint(settings: settings, hub: hub, greeting: hub.greeting, wallClock: WallClock.now))
            if let adminAuth {
                AdminAPI.install(on: router, auth: adminAuth, hub: hub, stats: stats, settings: settings)
                RoomRoutes.install(on: router, settings: settings, hub: hub, auth: adminAuth)
            }
        }
        // /admin, /admin/ws, /metrics and /readyz (which checks the journal).
        AdminRoutes.install(on: router, settings: settings, stats: stats, hub: hub, auth: adminAuth)
        if settings.echoEndpoint {
            router.addWebSocket("/echo", EchoEndpoint(config: settings.echoWebSocketConfig))
        }
        router.basePath = settings.base
        router.staticFiles = staticFiles
    }
}

extension ServerSettings {
    var httpLimits: HTTPLimits {
        var l = HTTPLimits()
        l.maxRequestLineBytes = maxRequestLineBytes
        l.maxHeaderLineBytes = maxHeaderLineBytes
        l.maxHeaderCount = maxHeaderCount
        l.maxHeadBytes = maxHeadBytes
        l.maxBodyBytes = maxBodyBytes
        return l
    }

    /// The echo endpoint accepts any origin (conformance tools send none) and large messages.
    var echoWebSocketConfig: WebSocketServerConfig {
        var c = WebSocketServerConfig()
        c.maxMessageBytes = echoMaxMessageBytes
        c.maxFrameBytes = echoMaxMessageBytes
        c.maxFragmentsPerMessage = max(maxFragmentsPerMessage, 100_000)
        c.pingInterval = pingInterval
        c.pongTimeout = pongTimeout
        c.closeTimeout = closeTimeout
        c.compression = echoCompression ? PerMessageDeflatePolicy() : nil
        c.originPolicy = .any
        return c
    }
}
