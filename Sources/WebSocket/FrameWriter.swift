/// Encodes server-to-client frames (RFC 6455 §5.2). Server frames are never masked (§5.1).
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-------+-+-------------+-------------------------------+
///     |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
///     |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
///     |N|V|V|V|       |S|             |   (if payload len==126/127)   |
///     | |1|2|3|       |K|             |                               |
///     +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
///     |     Extended payload length continued, if payload len == 127  |
///     +-------------------------------+-------------------------------+
///     |                         Payload Data ...                      |
///     +---------------------------------------------------------------+
enum FrameWriter {
    /// Appends one final (FIN) frame; `compressed` sets RSV1 (RFC 7692 §6).
    static func write(opcode: Opcode, compressed: Bool = false, payload: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let count = payload.count
        let first = 0x80 | (compressed ? 0x40 : 0) | opcode.rawValue
        var header: (UInt64, UInt16) = (0, 0)
        let headerLength = withUnsafeMutableBytes(of: &header) { h -> Int in
            h[0] = first
            if count < 126 {
                h[1] = UInt8(count)
                return 2
            } else if count <= 0xFFFF {
                h[1] = 126
                h[2] = UInt8(truncatingIfNeeded: count >> 8)
                h[3] = UInt8(truncatingIfNeeded: count)
                return 4
            } else {
                h[1] = 127
                for i in 0..<8 { h[2 + i] = UInt8(truncatingIfNeeded: UInt64(count) >> UInt64(56 - 8 * i)) }
                return 10
            }
        }
        withUnsafeBytes(of: &header) { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<headerLength])) }
        if count > 0 { output.append(contentsOf: payload) }
    }

    /// Appends a Close frame (§5.5.1): a 2-byte code then the UTF-8 reason, or an empty body.
    static func writeClose(code: UInt16?, reason: some Collection<UInt8>, into output: inout [UInt8]) {
        var body: [UInt8] = []
        if let code {
            body.reserveCapacity(2 + reason.count)
            body.append(UInt8(code >> 8))
            body.append(UInt8(truncatingIfNeeded: code))
            body.append(contentsOf: reason)
        }
        body.withUnsafeBytes { write(opcode: .close, payload: $0, into: &output) }
    }

    /// The longest prefix of `reason` that fits a control frame after the code (125 - 2 bytes)
    /// without cutting a UTF-8 sequence.
    static func truncatedReason(_ reason: String) -> ArraySlice<UInt8> {
        let bytes = Array(reason.utf8)
        let limit = 123
        guard bytes.count > limit else { return bytes[...] }
        var end = limit
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // bytes[end] must start a character
        return bytes[..<end]
    }
}
