// Byte classes from the HTTP grammars, as switches so the optimizer turns them into range checks
// without a lazily initialised table on the hot path.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let question: UInt8 = 0x3F
    static let percent: UInt8 = 0x25

    /// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    ///  / DIGIT / ALPHA` (RFC 9110 §5.6.2).
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// `field-vchar = VCHAR / obs-text`, plus SP and HTAB inside a value (RFC 9110 §5.5). CR, LF, NUL
    /// and every other control byte are rejected rather than replaced: a value that smuggles a line
    /// break must never reach a handler.
    @inline(__always)
    static func isFieldValueChar(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
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

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Case-insensitive comparison of two ASCII strings without allocating (field names, tokens).
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        // Native strings expose contiguous UTF-8; compare those directly.
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in
                for index in 0..<x.count where x[index] != y[index] && lowercased(x[index]) != lowercased(y[index]) {
                    return false
                }
                return true
            }
        }
        if let fast = fast ?? nil { return fast }
        for (x, y) in zip(a, b) where lowercased(x) != lowercased(y) {
            return false
        }
        return true
    }

    /// Case-insensitive comparison of raw bytes against a lowercase ASCII literal.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, lowercase literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let literalBytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for index in 0..<bytes.count where lowercased(bytes[index]) != literalBytes[index] {
            return false
        }
        return true
    }
}
