import EventLoop

/// One HTTP/1.1 request on its own connection (Connection: close), for the admin API.
/// The whole response is collected until the server closes; `done` gets the status and body.
public final class HTTPRequestClient: ConnectionHandler {
    let request: [UInt8]
    let done: (Int, [UInt8], ContinuousClock.Instant) -> Void
    var tls: ClientTLSSession?
    let tlsContext: ClientTLSContext?
    var response: [UInt8] = []
    var finished = false
    public private(set) var sentAt: ContinuousClock.Instant?

    public init(method: String, path: String, host: String, bearer: String?, body: String, tls: ClientTLSContext?,
                done: @escaping (Int, [UInt8], ContinuousClock.Instant) -> Void) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        if let bearer { head += "Authorization: Bearer \(bearer)\r\n" }
        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        request = Array((head + body).utf8)
        self.done = done
        tlsContext = tls
        if let tls { self.tls = ClientTLSSession(context: tls) }
    }

    public func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {
        guard let tls else {
            sentAt = now
            connection.write(request)
            return
        }
        _ = tls.handshake()
        tls.drainCiphertext { connection.write($0) }
    }

    public func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        guard let tls, let ctx = tlsContext else {
            response.append(contentsOf: bytes)
            return
        }
        tls.feed(bytes)
        if !tls.isEstablished {
            if case .established = tls.handshake() {
                sentAt = now
                request.withUnsafeBytes { tls.write($0) }
            }
        }
        if tls.isEstablished {
            _ = tls.readPlaintext(into: ctx.scratch) { response.append(contentsOf: $0) }
        }
        tls.drainCiphertext { connection.write($0) }
    }

    public func connectionReadEnded(_ connection: Connection, now: ContinuousClock.Instant) {
        finish(now: now)
        connection.close()
    }

    public func connectionClosed(_ connection: Connection, error: SystemError?) {
        finish(now: .now)
    }

    func finish(now: ContinuousClock.Instant) {
        guard !finished else { return }
        finished = true
        let text = String(decoding: response.prefix(64), as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        let status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
        var body: [UInt8] = []
        if let end = FrameCodec.headEnd(response) { body = Array(response[(end + 4)...]) }
        done(status, body, now)
    }
}
