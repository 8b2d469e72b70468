/// Client-side RFC 6455 framing: masked frames out (§5.3), unmasked server frames in (§5.2).
enum FrameCodec {
    struct Header {
        var fin: Bool
        var rsv1: Bool
        var opcode: UInt8
        var length: Int
        var payloadStart: Int
    }

    /// The header at `at`, or nil when it is not complete yet.
    static func parseHeader(_ buf: UnsafeRawBufferPointer, at: Int) -> Header? {
        let avail = buf.count - at
        guard avail >= 2 else { return nil }
        let b0 = buf[at], b1 = buf[at + 1]
        var len = Int(b1 & 0x7F)
        var start = at + 2
        if len == 126 {
            guard avail >= 4 else { return nil }
            len = Int(buf[at + 2]) << 8 | Int(buf[at + 3])
            start = at + 4
        } else if len == 127 {
            guard avail >= 10 else { return nil }
            len = 0
            for i in 2..<10 { len = len << 8 | Int(buf[at + i]) }
            start = at + 10
        }
        return Header(fin: b0 & 0x80 != 0, rsv1: b0 & 0x40 != 0, opcode: b0 & 0x0F, length: len, payloadStart: start)
    }

    static func appendMaskedFrame(_ payload: UnsafeRawBufferPointer, opcode: UInt8, rsv1: Bool, mask: UInt32,
                                  to out: inout [UInt8]) {
        out.append(0x80 | (rsv1 ? 0x40 : 0) | opcode)
        let n = payload.count
        if n < 126 {
            out.append(0x80 | UInt8(n))
        } else if n <= 0xFFFF {
            out.append(0x80 | 126); out.append(UInt8(n >> 8)); out.append(UInt8(n & 0xFF))
        } else {
            out.append(0x80 | 127)
            for i in (0..<8).reversed() { out.append(UInt8((UInt64(n) >> (UInt64(i) * 8)) & 0xFF)) }
        }
        let m: (UInt8, UInt8, UInt8, UInt8) = (UInt8(mask >> 24), UInt8((mask >> 16) & 0xFF),
                                               UInt8((mask >> 8) & 0xFF), UInt8(mask & 0xFF))
        out.append(m.0); out.append(m.1); out.append(m.2); out.append(m.3)
        let start = out.count
        out.append(contentsOf: payload)
        out.withUnsafeMutableBufferPointer { b in
            var i = 0
            while i < n {
                let k: UInt8
                switch i & 3 { case 0: k = m.0; case 1: k = m.1; case 2: k = m.2; default: k = m.3 }
                b[start + i] ^= k
                i += 1
            }
        }
    }

    /// Index of "\r\n\r\n" in `bytes`, if present.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

/// Base64 for the 16-byte Sec-WebSocket-Key.
enum Base64Text {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let v = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
            out += [alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = Int(bytes[i]) << 16
            out += [alphabet[v >> 18], alphabet[(v >> 12) & 63], 61, 61]
        } else if rest == 2 {
            let v = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8
            out += [alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
