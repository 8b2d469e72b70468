import EventLoop
import WebSocket

/// What an endpoint's session may do with its socket.
protocol WebSocketSender: AnyObject {
    func sendText(_ bytes: UnsafeRawBufferPointer)
    func sendBinary(_ bytes: UnsafeRawBufferPointer)
    func closeWebSocket(code: UInt16, reason: String)
}

extension ServerConnection: WebSocketSender {
    func handleWebSocketEvent(_ event: WebSocketEvent, _ session: any WebSocketEndpointSession, _ connection: Connection) {
        switch event {
        case .text(let bytes):
            shared.stats.messageReceived(bytes: bytes.count)
            session.received(text: bytes, from: self)
        case .binary(let bytes):
            shared.stats.messageReceived(bytes: bytes.count)
            session.received(binary: bytes, from: self)
        case .pong:
            break
        case .closed(let code, let reason, _):
            session.closed(code: code ?? 1005, reason: reason, connection: connection)
            phase = .closed
        }
    }

    /// After any call into the WebSocket: send its output, re-arm its timer, and close the
    /// transport once the close handshake is over (or the connection failed).
    func afterWebSocketIO(_ ws: WebSocketConnection, _ connection: Connection) {
        ws.drainOutput(into: &plaintextOut)
        flushPlaintext(connection)
        if ws.isClosed {
            phase = .closed
            connection.close()
        } else {
            connection.deadline = ws.nextDeadline
        }
    }

    private var openWebSocket: WebSocketConnection? {
        if case .websocket(let ws, _) = phase { return ws }
        return nil
    }

    func sendText(_ bytes: UnsafeRawBufferPointer) {
        guard let ws = openWebSocket else { return }
        shared.stats.messageSent(bytes: bytes.count)
        ws.send(text: bytes)
        scheduleFlush(ws)
    }

    func sendBinary(_ bytes: UnsafeRawBufferPointer) {
        guard let ws = openWebSocket else { return }
        shared.stats.messageSent(bytes: bytes.count)
        ws.send(binary: bytes)
        scheduleFlush(ws)
    }

    func closeWebSocket(code: UInt16, reason: String) {
        guard let ws = openWebSocket else { return }
        ws.close(code: code, reason: reason, now: .now)
        scheduleFlush(ws)
    }

    /// Encrypts (if TLS) and queues the output; the loop writes all queued bytes of a
    /// connection once at the end of its pass, so many messages still cost one syscall.
    private func scheduleFlush(_ ws: WebSocketConnection) {
        guard let connection else { return }
        ws.drainOutput(into: &plaintextOut)
        flushPlaintext(connection)
    }
}

extension ServerConnection {
    /// Shutdown: WebSockets get 1001 "going away"; HTTP connections are closed.
    func goAway(_ connection: Connection) {
        switch phase {
        case .websocket:
            closeWebSocket(code: 1001, reason: "server shutting down")
        case .http, .closed:
            connection.close()
        }
    }
}
