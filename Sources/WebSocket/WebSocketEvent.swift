/// What the application learns from `WebSocketConnection.receive` and `timerFired`.
public enum WebSocketEvent {
    /// A complete, valid UTF-8 text message. The bytes are valid until the next `receive`.
    case text(UnsafeRawBufferPointer)
    /// A complete binary message. The bytes are valid until the next `receive`.
    case binary(UnsafeRawBufferPointer)
    /// A pong arrived (answering our keepalive ping, or unsolicited).
    case pong
    /// The connection is over: the close handshake completed, failed, or timed out. The transport
    /// should flush any output and close. `code` is the peer's code when the peer started the
    /// close (nil if its Close had no code), otherwise the code we sent (nil on a close timeout
    /// with no code sent).
    case closed(code: UInt16?, reason: String, initiatedByPeer: Bool)
}
