import Deflate

/// The server side of one established WebSocket connection (RFC 6455 §5-§7, RFC 7692), sans-IO.
///
/// Theory of operation:
/// - States: `.open` -> `.closing` (we sent a Close and wait for the peer's) -> `.closed`; or
///   `.open` -> `.closed` directly when the peer closes (we echo its Close) or when the connection
///   fails (we send a Close with the error's code). `.closed` means: flush `output`, close the
///   transport; every later call is a no-op.
/// - Inputs: `receive(_:now:)` with whatever bytes the transport read (any split), `send`,
///   `close`, `timerFired(now:)`. Outputs: bytes appended to `output`, `WebSocketEvent`s, and
///   `nextDeadline`.
/// - Parsing (`+Receive`) alternates between a header phase (2-14 bytes, validated as soon as the
///   first two bytes are known, and sized against the limits before any payload byte is stored)
///   and a payload phase that unmasks straight into the message buffer, validating UTF-8 and
///   inflating as bytes arrive, so a bad byte fails the connection without waiting for the rest.
/// - Control frames (`+Control`) may interleave with fragments and use their own small buffer.
/// - Keepalive (`+Timers`): a ping after `pingInterval` of inbound silence, failure (1011) if no
///   pong within `pongTimeout`, and `.closed` if our Close is not answered within `closeTimeout`.
///
/// One instance per connection, used from one thread; not reentrant (the event callback may call
/// `send` and `close` with another output buffer, but not `receive`).
public final class WebSocketConnection {
    public enum State: Sendable, Equatable {
        case open, closing, closed
    }

    /// Message buffers larger than this are freed after use.
    static let retainedBufferBytes = 4 * 1024

    public let config: WebSocketServerConfig
    public let subprotocol: String?
    /// The negotiated permessage-deflate parameters; nil when compression is off.
    public let deflate: PerMessageDeflateParameters?
    public internal(set) var state: State = .open

    // Frame being parsed.
    var readingHeader = true
    var headerScratch: (UInt64, UInt64) = (0, 0)
    var headerCount = 0
    var headerLength = 0
    var frameOpcode: UInt8 = 0
    var frameFin = false
    var frameMaskKey: UInt32 = 0
    var frameRemaining = 0
    var framePhase = 0

    // Message being assembled (0 = none open).
    var messageOpcode: UInt8 = 0
    var messageCompressed = false
    var messageFragments = 0
    var message = ByteStorage()
    var utf8 = UTF8Validator()
    var control = ByteStorage()
    var compressedScratch = ByteStorage()
    var inflater: Inflater?
    var deflater: Deflater?

    // Timers.
    var lastReceivedAt: ContinuousClock.Instant
    var pongDeadline: ContinuousClock.Instant?
    var closeDeadline: ContinuousClock.Instant?
    var sentCloseCode: UInt16?

    public init(config: WebSocketServerConfig, acceptance: HandshakeAcceptance, now: ContinuousClock.Instant) {
        self.config = config
        self.subprotocol = acceptance.subprotocol
        self.deflate = acceptance.deflate
        self.lastReceivedAt = now
    }

    /// True once the transport should be closed (after flushing any output).
    public var isClosed: Bool { state == .closed }

    /// Whether `send` compresses. When false, a broadcast can be encoded once with `encodeFrame`
    /// and shared; uncompressed frames are also valid on a connection that negotiated deflate.
    public var compressesOutbound: Bool { deflate != nil }

    /// Encodes one final, uncompressed frame, e.g. a broadcast encoded once for many connections.
    public static func encodeFrame(opcode: Opcode, payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        FrameWriter.write(opcode: opcode, payload: payload, into: &output)
    }
}
