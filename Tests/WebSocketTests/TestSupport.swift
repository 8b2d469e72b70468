import Deflate
@testable import WebSocket

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}

/// A comparable record of what the connection reported.
enum Recorded: Equatable, CustomStringConvertible {
    case text([UInt8])
    case binary([UInt8])
    case pong
    case closed(code: UInt16?, reason: String, initiatedByPeer: Bool)

    init(_ event: WebSocketEvent) {
        switch event {
        case .text(let bytes): self = .text(Array(bytes))
        case .binary(let bytes): self = .binary(Array(bytes))
        case .pong: self = .pong
        case .closed(let code, let reason, let peer): self = .closed(code: code, reason: reason, initiatedByPeer: peer)
        }
    }

    static func text(_ string: String) -> Recorded { .text(Array(string.utf8)) }

    var description: String {
        switch self {
        case .text(let b): return "text(\(String(decoding: b.prefix(40), as: UTF8.self)) [\(b.count)])"
        case .binary(let b): return "binary([\(b.count)])"
        case .pong: return "pong"
        case .closed(let c, let r, let p): return "closed(\(c.map(String.init) ?? "nil"), \(r), peer: \(p))"
        }
    }
}

struct RunResult: Equatable {
    var output: [UInt8]
    var events: [Recorded]
    var state: WebSocketConnection.State
}

let t0 = ContinuousClock.Instant.now

func acceptance(deflate: PerMessageDeflateParameters? = nil) -> HandshakeAcceptance {
    HandshakeAcceptance(responseBytes: [], subprotocol: nil, deflate: deflate)
}

/// Default negotiated deflate (what a plain "permessage-deflate" offer yields).
let defaultDeflate = PerMessageDeflateParameters(
    serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: nil,
    clientMaxWindowBits: nil, deflateWindowBits: 12, inflateWindowBits: 15)

func makeConnection(_ config: WebSocketServerConfig = WebSocketServerConfig(), deflate: PerMessageDeflateParameters? = nil) -> WebSocketConnection {
    WebSocketConnection(config: config, acceptance: acceptance(deflate: deflate), now: t0)
}

/// Feeds `input` in the given chunks into a fresh connection.
func run(_ input: [UInt8], chunks: [Int]? = nil, config: WebSocketServerConfig = WebSocketServerConfig(),
         deflate: PerMessageDeflateParameters? = nil, echo: Bool = false) -> RunResult {
    let connection = makeConnection(config, deflate: deflate)
    var output: [UInt8] = []
    var events: [Recorded] = []
    input.withUnsafeBytes { all in
        var offset = 0
        for size in chunks ?? [input.count] where offset < input.count {
            let n = min(size, input.count - offset)
            connection.receiveEach(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]), now: t0, output: &output) { event, out in
                events.append(Recorded(event))
                guard echo else { return }
                switch event {
                case .text(let payload): connection.send(text: payload, output: &out)
                case .binary(let payload): connection.send(binary: payload, output: &out)
                default: break
                }
            }
            offset += n
        }
    }
    return RunResult(output: output, events: events, state: connection.state)
}

/// Whole, byte by byte, and split in two at every point: all must agree. Returns the whole run.
func runAllSplits(_ input: [UInt8], config: WebSocketServerConfig = WebSocketServerConfig(),
                  deflate: PerMessageDeflateParameters? = nil, echo: Bool = false) -> (RunResult, Bool) {
    let whole = run(input, config: config, deflate: deflate, echo: echo)
    var consistent = run(input, chunks: Array(repeating: 1, count: input.count), config: config, deflate: deflate, echo: echo) == whole
    if input.count > 1 {
        for split in 1..<input.count where consistent {
            consistent = run(input, chunks: [split, input.count - split], config: config, deflate: deflate, echo: echo) == whole
        }
    }
    return (whole, consistent)
}

/// A client frame, masked with `key` (RFC 6455 §5.3).
func clientFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0,
                 key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D], masked: Bool = true) -> [UInt8] {
    var frame: [UInt8] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode]
    let maskBit: UInt8 = masked ? 0x80 : 0
    if payload.count < 126 {
        frame.append(maskBit | UInt8(payload.count))
    } else if payload.count <= 0xFFFF {
        frame += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    } else {
        frame.append(maskBit | 127)
        for i in (0..<8).reversed() { frame.append(UInt8(truncatingIfNeeded: payload.count >> (8 * i))) }
    }
    if masked {
        frame += key
        for (i, byte) in payload.enumerated() { frame.append(byte ^ key[i % 4]) }
    } else {
        frame += payload
    }
    return frame
}

func text(_ s: String, fin: Bool = true) -> [UInt8] { clientFrame(0x1, Array(s.utf8), fin: fin) }

/// The server's Close frame for `code` (no reason).
func serverClose(_ code: UInt16) -> [UInt8] { [0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)] }

func compressed(_ s: String, deflater: Deflater) -> [UInt8] {
    var out: [UInt8] = []
    Array(s.utf8).withUnsafeBytes { deflater.compressMessage($0, appendingTo: &out) }
    return out
}

extension WebSocketConnection {
    /// Feeds `bytes` and hands every event it yields to `handle`, which may answer into the same
    /// output, until the input is used up (the loop every transport runs).
    func receiveEach(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant, output: inout [UInt8],
                     _ handle: (WebSocketEvent, inout [UInt8]) -> Void) {
        var offset = 0
        while let event = receive(bytes, from: &offset, now: now, output: &output) { handle(event, &output) }
    }

    func receiveEach(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant, output: inout [UInt8],
                     _ handle: (WebSocketEvent) -> Void) {
        receiveEach(bytes, now: now, output: &output) { event, _ in handle(event) }
    }
}
