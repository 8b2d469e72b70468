import EventLoop
import HTTP1
import Mingling
import WebSocket

/// `/ws`: one WebSocket per attendee browser. Messages are decoded and validated here, on the
/// connection's loop (a bad message gets an `error` without bothering the hub), then posted to
/// the hub, which owns the engine.
final class AttendeeEndpoint: WebSocketEndpoint {
    let settings: ServerSettings
    let hub: HubHandle
    let greeting: Greeting
    let wallClock: @Sendable () -> Timestamp

    init(settings: ServerSettings, hub: HubHandle, greeting: Greeting, wallClock: @escaping @Sendable () -> Timestamp) {
        self.settings = settings
        self.hub = hub
        self.greeting = greeting
        self.wallClock = wallClock
    }

    func webSocketConfig(for head: HTTPRequestHead) -> WebSocketServerConfig {
        var c = WebSocketServerConfig(
            maxMessageBytes: settings.maxMessageBytes, maxFragmentsPerMessage: settings.maxFragmentsPerMessage,
            pingInterval: settings.pingInterval, pongTimeout: settings.pongTimeout, closeTimeout: settings.closeTimeout,
            compression: settings.compression ? PerMessageDeflatePolicy() : nil)
        c.originPolicy = .allowList(settings.allowedOrigins.isEmpty ? Self.sameOrigin(head) : settings.allowedOrigins)
        return c
    }

    /// Without a configured list, the page must come from this server: the browser's `Origin`
    /// must name the host the request was sent to.
    static func sameOrigin(_ head: HTTPRequestHead) -> [String] {
        guard let host = head.headers["host"], !host.isEmpty else { return [] }
        return ["https://\(host)", "http://\(host)"]
    }

    func refuse(_ head: HTTPRequestHead, connection: Connection) -> HTTPResponse? { nil }

    func open(head: HTTPRequestHead, connection: Connection, socket: any WebSocketSender,
              now: ContinuousClock.Instant) -> any WebSocketEndpointSession {
        AttendeeSession(link: AttendeeLink(loop: connection.loop.index, connection: connection.id),
                        hub: hub, greeting: greeting, wallClock: wallClock, now: now)
    }
}

/// One attendee socket: rate limit, decode, forward.
final class AttendeeSession: WebSocketEndpointSession {
    let link: AttendeeLink
    let hub: HubHandle
    let greeting: Greeting
    let wallClock: @Sendable () -> Timestamp
    var attendee: AttendeeID?
    func bound(to attendee: AttendeeID) { self.attendee = attendee }
    var limiter: TokenBucket
    /// Call reports have their own, smaller budget (CallReport.burst / perSecond).
    var callReports: TokenBucket
    var refusedInARow = 0

    init(link: AttendeeLink, hub: HubHandle, greeting: Greeting, wallClock: @escaping @Sendable () -> Timestamp,
         now: ContinuousClock.Instant) {
        self.link = link
        self.hub = hub
        self.greeting = greeting
        self.wallClock = wallClock
        self.limiter = TokenBucket(ratePerSecond: 20, burst: 40, now: now)
        self.callReports = TokenBucket(ratePerSecond: CallReport.perSecond, burst: CallReport.burst, now: now)
    }

    /// `hello`: what the join form needs before anyone joins.
    func started(socket: any WebSocketSender) {
        reply(socket, greeting.hello(serverTime: wallClock()))
    }

    func received(text: UnsafeRawBufferPointer, from socket: any WebSocketSender) {
        guard limiter.take(now: .now) else {
            refusedInARow += 1
            if refusedInARow > 200 {
                socket.closeWebSocket(code: .policyViolation, reason: "message flood")
                return
            }
            reply(socket, ServerMessage.error(ProtocolError(code: .rateLimited, message: "too many messages; slow down", request: nil)))
            return
        }
        refusedInARow = 0
        guard Limits.clientMessage.allows(text.count) else {
            reply(socket, ServerMessage.error(ProtocolError(
                code: .messageTooLarge, message: "a message is at most \(Limits.clientMessage)", request: nil)))
            return
        }
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(text)
        } catch {
            reply(socket, ServerMessage.error(error))
            return
        }
        if case .callReport = message, !callReports.take(now: .now) {
            reply(socket, ServerMessage.error(ProtocolError(code: .rateLimited, message: "too many call reports; slow down",
                                                            request: message.type)))
            return
        }
        if case .sync(let clientTime) = message {
            reply(socket, ServerMessage.sync(clientTime: clientTime, serverTime: wallClock()))
            return
        }
        hub.submit(.message(message, from: link))
    }

    func received(binary: UnsafeRawBufferPointer, from socket: any WebSocketSender) {
        reply(socket, ServerMessage.error(ProtocolError(code: .badJSON, message: "messages are JSON text frames", request: nil)))
    }

    func closed(code: UInt16, reason: String, connection: Connection) {
        hub.submit(.disconnected(link))
    }

    private func reply(_ socket: any WebSocketSender, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { socket.sendText($0) }
    }
}

