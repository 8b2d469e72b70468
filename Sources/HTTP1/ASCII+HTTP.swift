import ByteText

// HTTP/1.1's own byte classes, next to the shared ones in ByteText's `ASCII`.
extension ASCII {
    /// `field-vchar = VCHAR / obs-text`, plus SP and HTAB inside a value (RFC 9110 §5.5). CR, LF, NUL
    /// and every other control byte are rejected rather than replaced: a value that smuggles a line
    /// break must never reach a handler.
    @inline(__always)
    static func isFieldValueChar(_ byte: UInt8) -> Bool {
        byte == ASCII.tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// Whether every byte is a `isFieldValueChar`, eight at a time: a word with no byte below 0x20
    /// and no 0x7F needs no further look (the has-less-than and has-zero-byte tests are exact about
    /// whether such a byte exists); only words that might hold one, like a word with a tab, are
    /// checked byte by byte.
    static func allFieldValueChars(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let below20 = (word &- ones &* 0x20) & ~word & highs
            let delete = word ^ (ones &* 0x7F)
            let hasDelete = (delete &- ones) & ~delete & highs
            if below20 | hasDelete != 0 {
                for offset in index..<(index + 8) where !isFieldValueChar(bytes[offset]) {
                    return false
                }
            }
            index += 8
        }
        while index < bytes.count {
            if !isFieldValueChar(bytes[index]) { return false }
            index += 1
        }
        return true
    }

    /// Request-target bytes: visible ASCII except "#" (a fragment is never sent, RFC 9112 §3.2).
    /// Browsers send some URL-unsafe characters such as "|" and "^" raw, so the check stays at VCHAR.
    @inline(__always)
    static func isTargetChar(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "#")
    }
}
