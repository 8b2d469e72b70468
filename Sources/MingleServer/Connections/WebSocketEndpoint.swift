import EventLoop
import HTTP1
import Mingling
import WebSocket

/// A path that accepts WebSocket upgrades (echo, attendee, admin).
protocol WebSocketEndpoint: AnyObject {
    /// The protocol limits and negotiation policy for this endpoint.
    func webSocketConfig(for head: HTTPRequestHead) -> WebSocketServerConfig
    /// A response that refuses the upgrade before any WebSocket state exists (e.g. 401), or nil.
    func refuse(_ head: HTTPRequestHead, connection: Connection) -> HTTPResponse?
    /// Called once the 101 is queued.
    func open(head: HTTPRequestHead, connection: Connection, socket: any WebSocketSender,
              now: ContinuousClock.Instant) -> any WebSocketEndpointSession
}

/// One open WebSocket of an endpoint.
protocol WebSocketEndpointSession: AnyObject {
    /// The 101 is queued and frames may be sent (e.g. a greeting).
    func started(socket: any WebSocketSender)
    func received(text: UnsafeRawBufferPointer, from socket: any WebSocketSender)
    func received(binary: UnsafeRawBufferPointer, from socket: any WebSocketSender)
    /// Called once: close handshake done, connection failed, or transport gone (1006).
    func closed(code: UInt16, reason: String, connection: Connection)
    /// The hub decided this socket speaks for `attendee` (only attendee sessions are bound).
    func bound(to attendee: AttendeeID)
}

extension WebSocketEndpointSession {
    func bound(to attendee: AttendeeID) {
        preconditionFailure("only attendee sessions are bound to an attendee, not \(Self.self)")
    }
}

/// `/echo`: sends every message back unchanged (for Autobahn and benchmarks).
final class EchoEndpoint: WebSocketEndpoint, WebSocketEndpointSession {
    let config: WebSocketServerConfig

    init(config: WebSocketServerConfig) { self.config = config }

    func webSocketConfig(for head: HTTPRequestHead) -> WebSocketServerConfig { config }
    func refuse(_ head: HTTPRequestHead, connection: Connection) -> HTTPResponse? { nil }
    func open(head: HTTPRequestHead, connection: Connection, socket: any WebSocketSender,
              now: ContinuousClock.Instant) -> any WebSocketEndpointSession { self }

    func started(socket: any WebSocketSender) {}
    func received(text: UnsafeRawBufferPointer, from socket: any WebSocketSender) { socket.sendText(text) }
    func received(binary: UnsafeRawBufferPointer, from socket: any WebSocketSender) { socket.sendBinary(binary) }
    func closed(code: UInt16, reason: String, connection: Connection) {}
}
