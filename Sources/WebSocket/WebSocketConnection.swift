import Deflate

/// The server side of one established WebSocket connection (RFC 6455 §5-§7, RFC 7692), sans-IO.
///
/// Theory of operation:
/// - States: `.open` -> `.closing` (we sent a Close and wait for the peer's) -> `.closed`; or
///   `.open` -> `.closed` directly when the peer closes (we echo its Close) or when the connection
///   fails (we send a Close with the error's code). `.closed` means: flush `output`, close the
///   transport; every later call is a no-op.
/// - Inputs: `receive(_:from:now:output:)` with whatever bytes the transport read (any split; the
///   bytes left after the HTTP head go first), `send`, `close`, `timerFired(now:output:)`.
///   Outputs: bytes appended to `output`, the `WebSocketEvent` each call returns, `nextDeadline`.
///   Nothing calls back: the caller loops over `receive` until it returns nil and answers each
///   event in between with `send`/`close` into the same `output`, which keeps the wire in order.
/// - Parsing is `FrameReader`'s job; `receive` (`+Receive`) drives it and turns what it completes
///   into events, pongs and the close handshake. Any `FrameError` fails the connection.
/// - Control frames (`+Control`) may interleave with fragments and use their own small buffer.
/// - Keepalive (`+Timers`): a ping after `pingInterval` of inbound silence, failure (1011) if no
///   pong within `pongTimeout`, and `.closed` if our Close is not answered within `closeTimeout`.
///
/// One instance per connection, used from one thread.
public final class WebSocketConnection {
    public enum State: Sendable, Equatable {
        case open, closing, closed
    }

    // Stored properties are laid out in the order written: the flags fill the padding after the
    // optional ping interval, so an idle connection's object fits a smaller malloc size class.

    /// The parser lives behind a pointer owned by this object: as a stored property every access
    /// from the hot loop paid a dynamic exclusivity check (measured: 40% of a 32-byte echo), and
    /// swapping it into a local cost a copy of the whole struct per `receive`. Only `receive`
    /// touches it, and nothing runs inside `receive` but the parser, so accesses never overlap.
    let readerStorage: UnsafeMutablePointer<FrameReader>
    /// What sending compressed needs; nil when permessage-deflate was not negotiated, so a
    /// connection without compression carries one pointer for it.
    let outboundDeflate: OutboundDeflate?
    public let subprotocol: String?
    /// The keepalive and close timing, copied from the config (the rest of the config was needed
    /// only for the handshake: an idle connection does not carry it).
    let timing: Timing
    /// The negotiated permessage-deflate parameters; nil when compression is off.
    public var deflate: PerMessageDeflateParameters? { outboundDeflate?.parameters }
    /// Where the close handshake stands.
    public var state: State { phase }

    // Exclusivity: `phase`, the timers and the reader's bookkeeping are read and written on every
    // message in short accesses that never call out (nothing here calls back); their dynamic
    // checks showed in the echo profile (callgrind, docs/benchmarks.md), so they alone are
    // `@exclusivity(unchecked)`.
    /// Internal storage for `state`: not visible outside the module, so whole-module optimisation
    /// can drop its dynamic exclusivity checks.
    @exclusivity(unchecked) var phase: State = .open
    /// A message's bytes were returned by the last `receive`: its buffer is reused by the next.
    @exclusivity(unchecked) var messageHandedOut = false
    @exclusivity(unchecked) var sentCloseCode: UInt16?
    /// Whether `waitUntil` holds a deadline (a flag here rather than an optional instant: an
    /// optional's tag byte would push the object into the next malloc size class).
    @exclusivity(unchecked) var waiting = false
    // Timers.
    @exclusivity(unchecked) var lastReceivedAt: ContinuousClock.Instant
    @exclusivity(unchecked) var waitUntil: ContinuousClock.Instant

    /// One instant for the two waits, which never overlap: for a pong while open, for the answer to
    /// our Close while closing (`pongDeadline`, `closeDeadline`).
    var waitDeadline: ContinuousClock.Instant? {
        get { waiting ? waitUntil : nil }
        set {
            waiting = newValue != nil
            if let newValue { waitUntil = newValue }
        }
    }

    /// The pong we wait for since our last ping (only while open).
    var pongDeadline: ContinuousClock.Instant? {
        get { phase == .open ? waitDeadline : nil }
        set { waitDeadline = newValue }
    }

    /// When we stop waiting for the answer to our Close (only while closing).
    var closeDeadline: ContinuousClock.Instant? {
        get { phase == .closing ? waitDeadline : nil }
        set { waitDeadline = newValue }
    }

    public init(config: WebSocketServerConfig, acceptance: HandshakeAcceptance, now: ContinuousClock.Instant) {
        self.timing = Timing(
            pongTimeout: config.pongTimeout, closeTimeout: config.closeTimeout, pingInterval: config.pingInterval)
        self.subprotocol = acceptance.subprotocol
        self.outboundDeflate = acceptance.deflate.map {
            OutboundDeflate(parameters: $0, policy: config.compression ?? PerMessageDeflatePolicy())
        }
        self.lastReceivedAt = now
        self.waitUntil = now
        readerStorage = UnsafeMutablePointer<FrameReader>.allocate(capacity: 1)
        readerStorage.initialize(to: FrameReader(
            limits: FrameReader.Limits(
                maxFrameBytes: config.maxFrameBytes, maxMessageBytes: config.maxMessageBytes,
                maxFragmentsPerMessage: config.maxFragmentsPerMessage),
            deflate: acceptance.deflate))
    }

    deinit {
        readerStorage.deinitialize(count: 1)
        readerStorage.deallocate()
    }

    struct Timing {
        let pongTimeout: Duration
        let closeTimeout: Duration
        let pingInterval: Duration?
    }

    /// The send side of permessage-deflate: the negotiated parameters, the server's policy and the
    /// compressor, made on the first message large enough to compress.
    final class OutboundDeflate {
        let parameters: PerMessageDeflateParameters
        let policy: PerMessageDeflatePolicy
        var deflater: Deflater?

        init(parameters: PerMessageDeflateParameters, policy: PerMessageDeflatePolicy) {
            self.parameters = parameters
            self.policy = policy
        }

        /// The compressor, made when first needed; nil if zlib could not make one (the message is
        /// then sent uncompressed, which is always valid).
        func deflaterForUse() -> Deflater? {
            if let deflater { return deflater }
            deflater = try? Deflater(
                level: policy.compressionLevel, windowBits: parameters.deflateWindowBits, memoryLevel: policy.memoryLevel)
            return deflater
        }
    }

    /// True once the transport should be closed (after flushing any output).
    public var isClosed: Bool { phase == .closed }

    /// Whether `send` compresses. When false, a broadcast can be encoded once with `encodeFrame`
    /// and shared; uncompressed frames are also valid on a connection that negotiated deflate.
    public var compressesOutbound: Bool { outboundDeflate != nil }

    /// Encodes one final, uncompressed frame, e.g. a broadcast encoded once for many connections.
    public static func encodeFrame(opcode: Opcode, payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        precondition(!opcode.isControl || payload.count <= 125, "control frames carry at most 125 bytes (RFC 6455 §5.5)")
        FrameWriter.write(opcode: opcode, payload: payload, into: &output)
    }
}
