import Deflate
import EventLoop

/// What a scenario hears from its clients. All calls come from the loop thread.
public protocol WSClientDelegate: AnyObject {
    /// The upgrade finished (101 received and checked).
    func clientOpened(_ client: WSClient, now: ContinuousClock.Instant)
    /// A whole message arrived (opcode 1 or 2; decompressed when deflate is on).
    func client(_ client: WSClient, received payload: UnsafeRawBufferPointer, opcode: UInt8, now: ContinuousClock.Instant)
    /// The connection is gone; `error` is nil after a clean close handshake.
    func clientClosed(_ client: WSClient, error: String?)
}

/// How to reach the server and what to ask for in the upgrade.
public struct WSClientOptions {
    public var path = "/echo"
    public var hostHeader = "127.0.0.1"
    public var origin: String?
    public var deflate = false
    public var tls: ClientTLSContext?
    public var maxMessageBytes = 1 << 22
    public init() {}
}

/// One WebSocket client connection on the event loop: TCP (and TLS), the HTTP upgrade, then
/// masked frames out and unmasked frames in. Only what a load generator needs: no
/// fragmentation on send, control frames answered (ping -> pong, close -> close).
public final class WSClient: ConnectionHandler {
    public enum Phase { case connecting, tls, upgrading, open, closing, closed }

    public let tag: Int
    public internal(set) var phase = Phase.connecting
    public private(set) var connection: Connection?
    public var startedAt: ContinuousClock.Instant
    public var openedAt: ContinuousClock.Instant?
    public weak var delegate: (any WSClientDelegate)?
    public internal(set) var deflateNegotiated = false

    let options: WSClientOptions
    var tls: ClientTLSSession?
    var inbound: [UInt8] = []
    var message: [UInt8] = []
    var messageOpcode: UInt8 = 0
    var messageCompressed = false
    var frameScratch: [UInt8] = []
    var mask: UInt32
    var deflater: Deflater?
    var inflater: Inflater?
    var key = ""

    /// `resuming`: a TLS session kept from an earlier connection, offered for resumption.
    public init(tag: Int, options: WSClientOptions, delegate: any WSClientDelegate, now: ContinuousClock.Instant,
                resuming: ClientTLSResumption? = nil) {
        self.tag = tag
        self.options = options
        self.delegate = delegate
        self.startedAt = now
        mask = UInt32(truncatingIfNeeded: tag &* 2_654_435_761) | 1
        if let ctx = options.tls { tls = ClientTLSSession(context: ctx, resuming: resuming) }
    }

    /// Whether the TLS handshake resumed the offered session.
    public var tlsResumed: Bool { tls?.isResumed ?? false }

    /// The TLS session to offer on a later connection (nil without TLS or before the server's ticket).
    public func tlsResumption() -> ClientTLSResumption? { tls?.resumption() }

    /// Opens the TCP connection on `loop` (from `source` when given).
    public func start(on loop: EventLoop, to address: SocketAddress, from source: SocketAddress?) throws(SystemError) {
        connection = try loop.connect(to: address, from: source, handler: self)
    }

    // MARK: ConnectionHandler

    public func connectionOpened(_ connection: Connection, now: ContinuousClock.Instant) {
        self.connection = connection
        if tls != nil {
            phase = .tls
            advanceTLS(now: now)
        } else {
            sendUpgrade()
        }
    }

    public func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        guard let tls else { plaintext(bytes, now: now); return }
        tls.feed(bytes)
        if phase == .tls {
            advanceTLS(now: now)
            if phase == .tls || phase == .closed { return }
        }
        let end = tls.readPlaintext(into: options.tls!.scratch) { plaintext($0, now: now) }
        flushTLS()
        switch end {
        case .needsMoreInput: break
        case .closeNotify: connectionReadEnded(connection, now: now)
        case .failed: if phase != .closed { fail("TLS read failed: \(ClientTLSSession.errorText())") }
        }
    }

    public func connectionReadEnded(_ connection: Connection, now: ContinuousClock.Instant) {
        if phase == .closing { connection.close(); return }
        fail("server closed the TCP connection in phase \(phase)")
    }

    public func connectionClosed(_ connection: Connection, error: SystemError?) {
        let wasClean = phase == .closing || phase == .closed
        phase = .closed
        let d = delegate
        delegate = nil
        if wasClean && error == nil { d?.clientClosed(self, error: nil) } else {
            d?.clientClosed(self, error: error.map { "\($0)" } ?? "connection closed")
        }
    }

    public func connectionDeadlineReached(_ connection: Connection, now: ContinuousClock.Instant) {
        fail("timed out in phase \(phase)")
    }

    // MARK: Sending

    /// Sends one message (masked; compressed when deflate was negotiated).
    public func send(_ payload: UnsafeRawBufferPointer, opcode: UInt8) {
        guard phase == .open else { return }
        if let deflater, deflateNegotiated {
            deflater.withCompressedMessage(payload) { writeFrame($0, opcode: opcode, rsv1: true) }
        } else {
            writeFrame(payload, opcode: opcode, rsv1: false)
        }
    }

    public func send(_ payload: [UInt8], opcode: UInt8) { payload.withUnsafeBytes { send($0, opcode: opcode) } }

    public func sendText(_ text: String) {
        var t = text
        t.withUTF8 { send(UnsafeRawBufferPointer($0), opcode: 1) }
    }

    /// Starts the close handshake (1000); the server's close frame or EOF ends it.
    public func close() {
        guard phase == .open else {
            if phase != .closed { connection?.abort() }
            return
        }
        withUnsafeBytes(of: UInt16(1000).bigEndian) { writeFrame($0, opcode: 8, rsv1: false) }
        phase = .closing
    }

    /// Drops the connection without a goodbye.
    public func abort() { connection?.abort() }

    func writeFrame(_ payload: UnsafeRawBufferPointer, opcode: UInt8, rsv1: Bool) {
        frameScratch.removeAll(keepingCapacity: true)
        FrameCodec.appendMaskedFrame(payload, opcode: opcode, rsv1: rsv1, mask: nextMask(), to: &frameScratch)
        frameScratch.withUnsafeBytes { writeRaw($0) }
    }

    func nextMask() -> UInt32 {
        mask ^= mask << 13; mask ^= mask >> 17; mask ^= mask << 5
        return mask
    }

    func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        guard let connection else { return }
        if let tls {
            tls.write(bytes)
            flushTLS()
        } else {
            connection.write(bytes)
        }
    }

    func flushTLS() {
        guard let tls, let connection else { return }
        tls.drainCiphertext { connection.write($0) }
    }

    func advanceTLS(now: ContinuousClock.Instant) {
        guard let tls else { return }
        let step = tls.handshake()
        flushTLS()
        switch step {
        case .handshaking: break
        case .established: sendUpgrade()
        case .failed(let why): fail(why)
        }
    }

    func fail(_ why: String) {
        guard phase != .closed, let connection else { return }
        let d = delegate
        delegate = nil
        phase = .closed
        connection.abort()
        d?.clientClosed(self, error: why)
    }
}
