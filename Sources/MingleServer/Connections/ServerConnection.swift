import EventLoop
import HTTP1
import TLS
import WebSocket

/// One client connection as the server sees it, from accept to close:
///
///     accept -> [TLS handshake] -> HTTP/1.1 requests (keep-alive) -> [WebSocket] -> closed
///
/// The TLS handshake and the first request head share one deadline (`handshakeTimeout`),
/// so a client that stalls anywhere before it has said what it wants is closed. After the
/// upgrade, bytes the HTTP parser had already buffered become the WebSocket's first input.
/// All the protocol work is done by the sans-IO layers; this type only moves bytes between
/// them and the socket, and maps their decisions onto the connection.
final class ServerConnection: ConnectionHandler {
    // Stored properties are laid out in the order written: the flags and the request count sit in
    // the padding after `phase`, so an idle connection's handler stays in glibc's 160-byte size
    // class (166 bytes took a 176-byte one).
    let shared: LoopContext
    /// The connection while it is open; nil from `connectionClosed` on. `unowned` rather than
    /// `weak`: a weak reference gave every connection a 48-byte side table, and the loop calls
    /// `connectionClosed` (which clears this) before it lets go of the connection.
    unowned var connection: Connection?
    /// The connection's id, kept after it closes (jobs from other threads address it by id).
    private(set) var connectionID = ConnectionID(rawValue: 0)
    var tls: TLSSession?
    var phase: Phase
    var tlsHandshakeDone = false
    /// True while the loop's call (bytes read, a deadline) is handled: frames the session sends
    /// meanwhile wait in `plaintextOut` and leave together at the end of the call (one TLS record
    /// for many); sent from elsewhere (a hub delivery), they leave at once.
    var handlingLoopCall = false
    /// Set when a handshake (TLS, or the WebSocket upgrade) ends in this callback: the buffers it
    /// grew are freed at the end of the callback instead of staying with the idle connection.
    var handshakeEnded = false
    var requestsServed: UInt32 = 0
    /// Plaintext produced by the protocol layers during one call from the loop, flushed at its end.
    var plaintextOut: [UInt8] = []
    var scratch: [UInt8] = []
    var logState = ConnectionLogState()

    enum Phase {
        case http(HTTPExchange)
        case websocket(WebSocketConnection, any WebSocketEndpointSession)
        case closed
    }

    struct PendingRequest {
        var head: HTTPRequestHead
        var body: [UInt8] = []
    }

    /// What only the HTTP phase needs (about 350 bytes): freed with the phase at the upgrade, so
    /// a WebSocket connection does not carry an HTTP parser for the rest of its life.
    final class HTTPExchange {
        var parser: RequestParser
        var request: PendingRequest?
        /// The request whose response is being prepared elsewhere.
        var awaitingReply: HTTPRequestHead?

        init(limits: HTTPLimits) { parser = RequestParser(limits: limits) }
    }

    init(shared: LoopContext, useTLS: Bool) {
        self.shared = shared
        self.phase = .http(HTTPExchange(limits: shared.settings.httpLimits))
        if useTLS, let context = shared.tlsContext {
            self.tls = context.makeSession()
        }
    }

    func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {
        self.connection = connection
        connectionID = connection.id
        shared.opened(self, id: connection.id)
        connection.deadline = now + shared.settings.handshakeTimeout
        shared.stats.connectionOpened()
        logAccepted(connection)
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        handlingLoopCall = true
        defer {
            handlingLoopCall = false
            if handshakeEnded { releaseHandshakeBuffers(connection) }
        }
        guard let tls else {
            handlePlaintext(bytes, connection, now)
            flushPlaintext(connection)
            return
        }
        tls.receivedCiphertext(bytes)
        if !tlsHandshakeDone {
            switch tls.advanceHandshake() {
            case .complete:
                tlsHandshakeDone = true
                handshakeEnded = true
                shared.stats.tlsHandshakeCompleted()
                logTLS(connection)
            case .needsMoreInput:
                // Sent as soon as this callback returns (not after the other ClientHellos of the
                // loop's pass): the client verifies the ServerHello flight while the loop goes on.
                flushCiphertext(connection)
                return
            case .failed(let error):
                shared.stats.tlsHandshakeFailed()
                logTLS(connection, failure: "\(error)")
                noteClosing(by: .server, reason: "tls handshake failed")
                shared.log.debug("tls_handshake_failed", ["conn": "\(connection.id)", "reason": "\(error)"])
                flushCiphertext(connection)
                closeTransport(connection)
                phase = .closed
                return
            }
        }
        readPlaintext(connection, now)
        flushPlaintext(connection)
    }

    private func readPlaintext(_ connection: Connection, _ now: ContinuousClock.Instant) {
        guard let tls else { return }
        while true {
            scratch.removeAll(keepingCapacity: true)
            switch tls.readPlaintext(into: &scratch) {
            case .progress:
                scratch.withUnsafeBytes { handlePlaintext($0, connection, now) }
                if case .closed = phase { return }
            case .needsMoreInput:
                return
            case .closedByPeer:
                connectionReadEnded(connection, now: now)
                return
            case .failed(let error):
                shared.log.debug("tls_failed", ["conn": "\(connection.id)", "reason": "\(error)"])
                flushPlaintext(connection)
                closeTransport(connection)
                phase = .closed
                return
            }
        }
    }

    /// Sends what the protocol layers produced, through TLS when there is TLS.
    func flushPlaintext(_ connection: Connection) {
        if !plaintextOut.isEmpty {
            if let tls {
                // The session takes plaintext only while its ciphertext backlog is small, so
                // encrypt in steps and collect the ciphertext: one write to the socket queue per
                // flush, as in plain mode (a big message is not cut by the queue's limit).
                scratch.removeAll(keepingCapacity: true)
                var offset = 0
                plaintextOut.withUnsafeBytes { buf in
                    while offset < buf.count {
                        let n = tls.writePlaintext(UnsafeRawBufferPointer(rebasing: buf[offset...]))
                        offset += n
                        if tls.hasPendingCiphertext {
                            tls.takeCiphertext(into: &scratch)
                        } else if n <= 0 {
                            break
                        }
                    }
                }
                if !scratch.isEmpty { write(scratch, connection) }
                if offset < plaintextOut.count {
                    // Never send a stream with a hole in it.
                    shared.log.error("tls_write_refused", ["conn": "\(connection.id)", "unsent": "\(plaintextOut.count - offset)"])
                    phase = .closed
                    connection.abort()
                }
            } else {
                write(plaintextOut, connection)
            }
            plaintextOut.removeAll(keepingCapacity: plaintextOut.capacity <= Connection.retainedBufferCapacity)
        }
        flushCiphertext(connection)
        trimScratch()
    }

    /// `scratch` carries one read's plaintext or one flush's ciphertext; the storage a large one needed does
    /// not stay with the connection.
    private func trimScratch() {
        if scratch.capacity > Connection.retainedBufferCapacity { scratch = [] }
    }

    private func releaseHandshakeBuffers(_ connection: Connection) {
        handshakeEnded = false
        scratch = []
        if plaintextOut.isEmpty { plaintextOut = [] }
        connection.releaseQueueStorage()
        shared.handshakeCompleted(on: connection.loop)
    }

    func flushCiphertext(_ connection: Connection) {
        guard let tls, tls.hasPendingCiphertext else { return }
        scratch.removeAll(keepingCapacity: true)
        tls.takeCiphertext(into: &scratch)
        write(scratch, connection)
        trimScratch()
    }

    /// Bytes are never silently dropped from a stream: a peer whose queue is past the hard
    /// limit is a slow consumer and is closed.
    private func write(_ bytes: [UInt8], _ connection: Connection) {
        guard connection.isOpen else { return }
        if connection.write(bytes) == .refused {
            connectionWriteStalled(connection, now: .now)
        }
    }

    func connectionReadEnded(_ connection: Connection, now: ContinuousClock.Instant) {
        // An HTTP client ends its connection this way; a WebSocket that ends without a close frame was dropped.
        if case .websocket = phase { noteClosing(by: .network, code: 1006) } else { noteClosing(by: .client) }
        if case .websocket(let ws, let session) = phase {
            // TCP closed without a close handshake: 1006 for the application.
            session.closed(code: 1006, reason: "", connection: connection)
            _ = ws
        }
        phase = .closed
        closeTransport(connection)
    }

    func connectionDeadlineReached(_ connection: Connection, now: ContinuousClock.Instant) {
        switch phase {
        case .http(let exchange):
            noteClosing(by: .server, reason: "timeout")
            if exchange.request == nil && requestsServed == 0 { shared.stats.handshakeTimedOut() }
            if tlsHandshakeDone || tls == nil {
                if requestsServed == 0 {
                    plaintextOut += HTTPResponse.status(408).serialize()
                    flushPlaintext(connection)
                }
                closeTransport(connection)
            } else {
                connection.abort()
            }
            phase = .closed
        case .websocket(let ws, let session):
            handlingLoopCall = true
            if let event = ws.timerFired(now: now, output: &plaintextOut) {
                handleWebSocketEvent(event, session, connection)
            }
            handlingLoopCall = false
            afterWebSocketIO(ws, connection)
        case .closed:
            connection.abort()
        }
    }

    func connectionWriteStalled(_ connection: Connection, now: ContinuousClock.Instant) {
        shared.stats.slowConsumerClosed()
        noteClosing(by: .server, code: 1008, reason: "slow consumer")
        if case .websocket(_, let session) = phase {
            // The close frame could not get through a full queue anyway: record 1008 and drop.
            session.closed(code: 1008, reason: "slow consumer", connection: connection)
        }
        phase = .closed
        connection.abort()
    }

    func connectionClosed(_ connection: Connection, error: SystemError?) {
        if case .websocket(_, let session) = phase {
            // The socket failed under an open WebSocket (a reset, a timeout): no close frame, 1006.
            noteClosing(by: error.map(ConnectionLogEvent.ClosedBy.of) ?? .server, code: 1006)
            session.closed(code: 1006, reason: "", connection: connection)
        }
        phase = .closed
        shared.closed(connection.id)
        shared.stats.connectionClosed()
        logClosed(connection, error: error)
        self.connection = nil
    }
}

extension ServerConnection {
    /// Ends the connection gracefully: TLS close_notify (when the handshake completed), then
    /// the loop writes what is queued, half-closes and lingers before closing.
    func closeTransport(_ connection: Connection) {
        noteClosing(by: .server)
        if let tls, tlsHandshakeDone {
            tls.shutdown()
            flushCiphertext(connection)
        }
        connection.close()
    }
}
