import EventLoop
import HTTP1
import WebSocket

extension ServerConnection {
    func handlePlaintext(_ bytes: UnsafeRawBufferPointer, _ connection: Connection, _ now: ContinuousClock.Instant) {
        switch phase {
        case .http(let exchange):
            exchange.parser.append(bytes)
            processRequests(connection, now)
        case .websocket(let ws, let session):
            // The WebSocket's own replies and the session's answers share `plaintextOut`, in order.
            var offset = 0
            while let event = ws.receive(bytes, from: &offset, now: now, output: &plaintextOut) {
                handleWebSocketEvent(event, session, connection)
            }
            afterWebSocketIO(ws, connection)
        case .closed:
            break
        }
    }

    func processRequests(_ connection: Connection, _ now: ContinuousClock.Instant) {
        while case .http(let exchange) = phase, exchange.awaitingReply == nil {
            let event: RequestEvent?
            do {
                event = try exchange.parser.next()
            } catch {
                shared.stats.httpRejected()
                shared.log.debug("http_rejected", ["conn": "\(connection.id)", "status": "\(error.status)", "reason": "\(error.kind)"])
                plaintextOut += error.responseBytes
                phase = .closed
                flushPlaintext(connection)
                closeTransport(connection)
                return
            }
            guard let event else { return }
            switch event {
            case .head(var head):
                // Under the event's base path (behind a proxy that routes by path) the routes see the
                // path without it; the target keeps it, so the URLs they hand out can too.
                shared.settings.base.strip(&head)
                if head.headers["upgrade"] != nil, let endpoint = shared.router.webSocketEndpoint(for: head.path) {
                    upgrade(head, to: endpoint, exchange, connection, now)
                    return
                }
                exchange.request = PendingRequest(head: head)
                // The body (if any) gets its own allowance; a slow body is a slow client.
                connection.deadline = now + shared.settings.handshakeTimeout
            case .body(let chunk):
                exchange.request?.body += chunk
            case .end:
                guard let pending = exchange.request else { continue }
                exchange.request = nil
                requestsServed &+= 1
                let reply = deferredReply
                switch shared.router.respond(to: pending.head, body: pending.body, connection: connection, reply: reply) {
                case .now(let response):
                    if !finish(pending.head, response, connection, now) { return }
                case .later:
                    // Answered from another thread (e.g. the hub); pipelined requests wait.
                    exchange.awaitingReply = pending.head
                    connection.deadline = now + shared.settings.handshakeTimeout
                    return
                }
            }
        }
    }

    /// Writes a response; false when the connection is closing.
    private func finish(_ head: HTTPRequestHead, _ response: HTTPResponse, _ connection: Connection,
                        _ now: ContinuousClock.Instant) -> Bool {
        var response = response
        shared.securityHeaders.apply(to: &response.headers)
        logRequest(head, status: response.status, upgrade: false, connection)
        plaintextOut += response.serialize(forHEAD: head.method == "HEAD")
        if !head.keepAlive || response.headers["connection"]?.lowercased() == "close" {
            phase = .closed
            flushPlaintext(connection)
            closeTransport(connection)
            return false
        }
        connection.deadline = now + shared.settings.keepAliveTimeout
        return true
    }

    /// A deferred response arrived (on this connection's loop).
    func complete(_ response: HTTPResponse) {
        guard let connection, case .http(let exchange) = phase, let head = exchange.awaitingReply else { return }
        exchange.awaitingReply = nil
        let now = ContinuousClock.now
        if finish(head, response, connection, now) { processRequests(connection, now) }
        flushPlaintext(connection)
    }

    private func upgrade(_ head: HTTPRequestHead, to endpoint: any WebSocketEndpoint, _ exchange: HTTPExchange,
                         _ connection: Connection, _ now: ContinuousClock.Instant) {
        if let refusal = endpoint.refuse(head, connection: connection) {
            shared.stats.upgradeRejected()
            logRequest(head, status: refusal.status, upgrade: true, connection)
            plaintextOut += refusal.serialize()
            phase = .closed
            flushPlaintext(connection)
            closeTransport(connection)
            return
        }
        let request = HandshakeRequest(method: head.method, target: head.target,
                                       versionMajor: head.versionMajor, versionMinor: head.versionMinor,
                                       headers: head.headers.map { (name: $0.name, value: $0.value) })
        switch ServerHandshake.evaluate(request, config: endpoint.webSocketConfig(for: head)) {
        case .rejected(let rejection):
            shared.stats.upgradeRejected()
            shared.log.debug("upgrade_rejected", ["conn": "\(connection.id)", "status": "\(rejection.status)"])
            logRequest(head, status: rejection.status, upgrade: true, connection)
            plaintextOut += rejection.responseBytes
            phase = .closed
            flushPlaintext(connection)
            closeTransport(connection)
        case .accepted(let acceptance):
            shared.stats.upgradeAccepted()
            logRequest(head, status: 101, upgrade: true, connection)
            plaintextOut += acceptance.responseBytes
            let ws = WebSocketConnection(config: endpoint.webSocketConfig(for: head), acceptance: acceptance, now: now)
            let session = endpoint.open(head: head, connection: connection, socket: self, now: now)
            phase = .websocket(ws, session)
            handshakeEnded = true
            connection.deadline = ws.nextDeadline
            session.started(socket: self)
            let leftover = exchange.parser.takeUnparsedBytes()
            if !leftover.isEmpty {
                leftover.withUnsafeBytes { handlePlaintext($0, connection, now) }
            }
        }
    }
}
