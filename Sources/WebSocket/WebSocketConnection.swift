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

    public let config: WebSocketServerConfig
    public let subprotocol: String?
    /// The negotiated permessage-deflate parameters; nil when compression is off.
    public let deflate: PerMessageDeflateParameters?
    let minimumMessageBytesToCompress: Int
    /// Where the close handshake stands.
    public var state: State { phase }
    /// Internal storage for `state`: not visible outside the module, so whole-module optimisation
    /// can drop its dynamic exclusivity checks.
    @exclusivity(unchecked) var phase: State = .open

    /// The parser lives behind a pointer owned by this object: as a stored property every access
    /// from the hot loop paid a dynamic exclusivity check (measured: 40% of a 32-byte echo), and
    /// swapping it into a local cost a copy of the whole struct per `receive`. Only `receive`
    /// touches it, and nothing runs inside `receive` but the parser, so accesses never overlap.
    let readerStorage: UnsafeMutablePointer<FrameReader>
    /// A message's bytes were returned by the last `receive`: its buffer is reused by the next.
    @exclusivity(unchecked) var messageHandedOut = false
    @exclusivity(unchecked) var deflater: Deflater?

    // Exclusivity: `phase`, the timers and the reader's bookkeeping are read and written on every
    // message in short accesses that never call out (nothing here calls back); their dynamic
    // checks showed in the echo profile (callgrind, docs/benchmarks.md), so they alone are
    // `@exclusivity(unchecked)`.
    // Timers.
    @exclusivity(unchecked) var lastReceivedAt: ContinuousClock.Instant
    @exclusivity(unchecked) var pongDeadline: ContinuousClock.Instant?
    @exclusivity(unchecked) var closeDeadline: ContinuousClock.Instant?
    @exclusivity(unchecked) var sentCloseCode: UInt16?

    public init(config: WebSocketServerConfig, acceptance: HandshakeAcceptance, now: ContinuousClock.Instant) {
        self.config = config
        self.subprotocol = acceptance.subprotocol
        self.deflate = acceptance.deflate
        self.lastReceivedAt = now
        self.minimumMessageBytesToCompress = config.compression?.minimumMessageBytesToCompress ?? 0
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

    /// True once the transport should be closed (after flushing any output).
    public var isClosed: Bool { phase == .closed }

    /// Whether `send` compresses. When false, a broadcast can be encoded once with `encodeFrame`
    /// and shared; uncompressed frames are also valid on a connection that negotiated deflate.
    public var compressesOutbound: Bool { deflate != nil }

    /// Encodes one final, uncompressed frame, e.g. a broadcast encoded once for many connections.
    public static func encodeFrame(opcode: Opcode, payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        precondition(!opcode.isControl || payload.count <= 125, "control frames carry at most 125 bytes (RFC 6455 §5.5)")
        FrameWriter.write(opcode: opcode, payload: payload, into: &output)
    }
}
