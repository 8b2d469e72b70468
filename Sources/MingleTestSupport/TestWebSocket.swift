/// A minimal WebSocket client codec for tests: masked client frames out, server frames in.
public struct TestFrame: Equatable, Sendable {
    public var fin: Bool
    public var rsv1: Bool
    public var opcode: UInt8
    public var payload: [UInt8]

    public init(fin: Bool = true, rsv1: Bool = false, opcode: UInt8, payload: [UInt8]) {
        self.fin = fin
        self.rsv1 = rsv1
        self.opcode = opcode
        self.payload = payload
    }

    public static func text(_ s: String) -> TestFrame { TestFrame(opcode: 1, payload: Array(s.utf8)) }
    public static func close(_ code: UInt16, _ reason: String = "") -> TestFrame {
        TestFrame(opcode: 8, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    /// Encodes as a client frame (masked with `mask`).
    public func encoded(mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode]
        let n = payload.count
        if n < 126 {
            out.append(0x80 | UInt8(n))
        } else if n <= 0xFFFF {
            out += [0x80 | 126, UInt8(n >> 8), UInt8(n & 0xFF)]
        } else {
            out.append(0x80 | 127)
            for i in (0..<8).reversed() { out.append(UInt8((UInt64(n) >> (UInt64(i) * 8)) & 0xFF)) }
        }
        out += mask
        for (i, b) in payload.enumerated() { out.append(b ^ mask[i & 3]) }
        return out
    }

    /// Parses one unmasked server frame from the front of `bytes`; nil if incomplete.
    public static func parse(_ bytes: [UInt8]) -> (frame: TestFrame, consumed: Int)? {
        guard bytes.count >= 2 else { return nil }
        var len = Int(bytes[1] & 0x7F)
        var at = 2
        if len == 126 {
            guard bytes.count >= 4 else { return nil }
            len = Int(bytes[2]) << 8 | Int(bytes[3])
            at = 4
        } else if len == 127 {
            guard bytes.count >= 10 else { return nil }
            len = 0
            for i in 2..<10 { len = len << 8 | Int(bytes[i]) }
            at = 10
        }
        guard bytes.count >= at + len else { return nil }
        let f = TestFrame(fin: bytes[0] & 0x80 != 0, rsv1: bytes[0] & 0x40 != 0, opcode: bytes[0] & 0x0F,
                          payload: Array(bytes[at..<(at + len)]))
        return (f, at + len)
    }

    /// The close code of a close frame.
    public var closeCode: UInt16? {
        guard opcode == 8, payload.count >= 2 else { return nil }
        return UInt16(payload[0]) << 8 | UInt16(payload[1])
    }
}

/// A blocking WebSocket client over any `ByteStream`.
public final class TestWebSocket {
    public let stream: any ByteStream
    public private(set) var buffered: [UInt8] = []
    public private(set) var handshakeResponse = ""

    public init(stream: any ByteStream) { self.stream = stream }

    public static func upgradeRequest(path: String = "/echo", host: String = "127.0.0.1",
                                      extraHeaders: [String] = []) -> String {
        var r = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        r += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for h in extraHeaders { r += h + "\r\n" }
        return r + "\r\n"
    }

    /// Sends the upgrade request (plus `firstBytes` in the same write) and reads the response head.
    @discardableResult
    public func open(path: String = "/echo", host: String = "127.0.0.1", extraHeaders: [String] = [],
                     firstBytes: [UInt8] = []) throws -> String {
        try stream.send(Array(Self.upgradeRequest(path: path, host: host, extraHeaders: extraHeaders).utf8) + firstBytes)
        let (head, rest) = try stream.receive(until: Array("\r\n\r\n".utf8))
        handshakeResponse = String(decoding: head, as: UTF8.self)
        buffered = rest
        return handshakeResponse
    }

    public func send(_ frame: TestFrame) throws { try stream.send(frame.encoded()) }

    /// The next frame from the server; nil when the stream ended first.
    public func receiveFrame() throws -> TestFrame? {
        while true {
            if let (f, n) = TestFrame.parse(buffered) {
                buffered.removeFirst(n)
                return f
            }
            let chunk = try stream.receiveSome()
            if chunk.isEmpty { return nil }
            buffered += chunk
        }
    }
}
