import EventLoop
import WebSocket

/// What an endpoint's session may do with its socket.
protocol WebSocketSender: AnyObject {
    func sendText(_ bytes: UnsafeRawBufferPointer)
    func sendBinary(_ bytes: UnsafeRawBufferPointer)
    /// A text message from outside the socket's own traffic, judged against the outbound limits
    /// (see `ServerConnection.sendText(_:droppable:)`). Returns whether it was queued.
    @discardableResult
    func sendText(_ text: [UInt8], droppable: Bool) -> Bool
    func closeWebSocket(code: CloseCode, reason: String)
    /// How another thread reaches this socket later (it hops to the socket's loop).
    var deferredReply: DeferredReply { get }
}

extension ServerConnection: WebSocketSender {
    var deferredReply: DeferredReply {
        DeferredReply(loop: shared.loopHandle.index, handle: shared.loopHandle, connection: connectionID)
    }

    func handleWebSocketEvent(_ event: WebSocketEvent, _ session: any WebSocketEndpointSession, _ connection: Connection) {
        switch event {
        case .text(let bytes):
            shared.stats.messageReceived(bytes: bytes.count)
            logState.countMessageIn()
            session.received(text: bytes, from: self)
        case .binary(let bytes):
            shared.stats.messageReceived(bytes: bytes.count)
            logState.countMessageIn()
            session.received(binary: bytes, from: self)
        case .pong:
            break
        case .closed(let code, let reason, let byPeer):
            noteClosing(by: byPeer ? .client : .server, code: Int(code ?? 1005), reason: reason)
            session.closed(code: code ?? 1005, reason: reason, connection: connection)
            phase = .closed
        }
    }

    /// After any call into the WebSocket: send its output, re-arm its timer, and close the
    /// transport once the close handshake is over (or the connection failed).
    func afterWebSocketIO(_ ws: WebSocketConnection, _ connection: Connection) {
        flushPlaintext(connection)
        if ws.isClosed {
            phase = .closed
            closeTransport(connection)
        } else {
            connection.deadline = ws.nextDeadline
        }
    }

    private var openWebSocket: WebSocketConnection? {
        if case .websocket(let ws, _) = phase { return ws }
        return nil
    }

    /// Frames join `plaintextOut` after everything written so far; outside a call from the loop
    /// (see `handlingLoopCall`) they are sent now.
    private func writeFrames(_ ws: WebSocketConnection, _ body: (inout [UInt8]) -> Void) {
        body(&plaintextOut)
        if !handlingLoopCall { flushNow(ws) }
    }

    func sendText(_ bytes: UnsafeRawBufferPointer) {
        guard let ws = openWebSocket else { return }
        shared.stats.messageSent(bytes: bytes.count)
        logState.countMessageOut()
        writeFrames(ws) { _ = ws.send(text: bytes, output: &$0) }
    }

    func sendBinary(_ bytes: UnsafeRawBufferPointer) {
        guard let ws = openWebSocket else { return }
        shared.stats.messageSent(bytes: bytes.count)
        logState.countMessageOut()
        writeFrames(ws) { _ = ws.send(binary: bytes, output: &$0) }
    }

    func closeWebSocket(code: CloseCode, reason: String) {
        guard let ws = openWebSocket else { return }
        noteClosing(by: .server, code: Int(code.rawValue), reason: reason)
        writeFrames(ws) { ws.close(code: code.rawValue, reason: reason, now: .now, output: &$0) }
    }

    /// Outside a callback: encrypt (if TLS) and queue now. The loop still writes all queued
    /// bytes of a connection once at the end of its pass, so many messages cost one syscall.
    private func flushNow(_ ws: WebSocketConnection) {
        guard let connection else { return }
        afterWebSocketIO(ws, connection)
    }
}

extension ServerConnection {
    /// Shutdown: WebSockets get 1001 "going away"; HTTP connections are closed.
    func goAway(_ connection: Connection) {
        switch phase {
        case .websocket:
            closeWebSocket(code: .goingAway, reason: "server shutting down")
        case .http, .closed:
            closeTransport(connection)
        }
    }
}

extension ServerConnection {
    /// The one place an application message meets the outbound limits (`Connection.admission`):
    /// a droppable one (presence, dashboard ticks) is skipped when it would take the queue past
    /// the soft limit; one that would pass the hard limit closes the reader as a slow consumer
    /// (1008), so an essential message never vanishes silently.
    @discardableResult
    func sendText(_ text: [UInt8], droppable: Bool) -> Bool {
        guard case .websocket = phase, let connection, connection.isOpen else { return false }
        switch connection.admission(ofBytes: text.count) {
        case .refused:
            shared.stats.slowConsumerClosed()
            closeWebSocket(code: .policyViolation, reason: "slow consumer")
            return false
        case .queuedOverSoftLimit where droppable:
            return false
        case .queued, .queuedOverSoftLimit:
            text.withUnsafeBytes { sendText($0) }
            return true
        }
    }

    /// Applies several of the hub's decisions, then sends what they wrote in one flush.
    func deliver(_ deliveries: some Sequence<Delivery>) {
        let corked = handlingLoopCall
        handlingLoopCall = true
        for delivery in deliveries { deliver(delivery) }
        handlingLoopCall = corked
        if !corked, case .websocket(let ws, _) = phase, let connection { afterWebSocketIO(ws, connection) }
    }

    /// Applies what the hub decided for this connection.
    func deliver(_ delivery: Delivery) {
        guard case .websocket(_, let session) = phase, let connection else { return }
        switch delivery {
        case .text(let bytes, let droppable):
            sendText(bytes, droppable: droppable)
        case .bind(let id, let room):
            session.bound(to: id)
            logJoined(id, room: room, connection)
        case .room(let room):
            logRoom(room, connection)
        case .close(let code, let reason):
            closeWebSocket(code: code, reason: reason)
        }
    }
}
