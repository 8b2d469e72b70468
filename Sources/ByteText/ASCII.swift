/// The one set of ASCII helpers for the protocol layers (HTTP/1.1 heads, WebSocket handshake
/// headers, form bodies, paths): byte classes from RFC 9110, case-insensitive comparison, optional
/// whitespace and comma-separated lists. Pure functions on bytes, `@inlinable` so the parsers'
/// per-byte loops pay no call; switches rather than tables, so nothing is lazily initialised on
/// the hot path. Linear in the input, so hostile values (10k commas) stay cheap.
public enum ASCII {
    @inlinable public static var cr: UInt8 { 0x0D }
    @inlinable public static var lf: UInt8 { 0x0A }
    @inlinable public static var space: UInt8 { 0x20 }
    @inlinable public static var tab: UInt8 { 0x09 }
    @inlinable public static var colon: UInt8 { 0x3A }
    @inlinable public static var comma: UInt8 { 0x2C }
    @inlinable public static var semicolon: UInt8 { 0x3B }
    @inlinable public static var equals: UInt8 { 0x3D }
    @inlinable public static var quote: UInt8 { 0x22 }
    @inlinable public static var backslash: UInt8 { 0x5C }
    @inlinable public static var slash: UInt8 { 0x2F }
    @inlinable public static var question: UInt8 { 0x3F }
    @inlinable public static var percent: UInt8 { 0x25 }

    /// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    ///  / DIGIT / ALPHA` (RFC 9110 §5.6.2).
    @inlinable
    public static func isTokenChar(_ byte: UInt8) -> Bool {
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

    /// `OWS` bytes: space and horizontal tab (RFC 9110 §5.6.3).
    @inlinable
    public static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    @inlinable
    public static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The value of a hexadecimal digit, either case.
    @inlinable
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    @inlinable
    public static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Case-insensitive comparison of two ASCII strings without allocating (field names, tokens).
    @inlinable
    public static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
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
        return equalsIgnoringCase(a, b)
    }

    @inlinable
    public static func equalsIgnoringCase(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where lowercased(x) != lowercased(y) {
            return false
        }
        return true
    }

    /// Case-insensitive comparison of raw bytes against a lowercase ASCII literal.
    @inlinable
    public static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, lowercase literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let literalBytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for index in 0..<bytes.count where lowercased(bytes[index]) != literalBytes[index] {
            return false
        }
        return true
    }

    /// `s` without leading and trailing OWS.
    public static func trimmed(_ s: Substring) -> Substring {
        var s = s
        while let c = s.utf8.first, isWhitespace(c) { s = s.dropFirst() }
        while let c = s.utf8.last, isWhitespace(c) { s = s.dropLast() }
        return s
    }

    /// Elements of a comma-separated list (RFC 9110 §5.6.1), trimmed; empty elements are skipped.
    public static func listElements(_ value: String) -> [Substring] {
        value.split(separator: ",", omittingEmptySubsequences: true).map(trimmed).filter { !$0.isEmpty }
    }

    /// Whether a comma-separated header value contains `token`, compared case-insensitively
    /// (elements trimmed of OWS, empty ones skipped). Works on the UTF-8 bytes: a header value is
    /// ASCII, and splitting it as Characters cost more than the rest of the upgrade's checks.
    public static func listContains(_ value: String, token: String) -> Bool {
        var value = value, token = token
        return value.withUTF8 { v in token.withUTF8 { t in listContains(UnsafeRawBufferPointer(v), token: UnsafeRawBufferPointer(t)) } }
    }

    public static func listContains(_ value: UnsafeRawBufferPointer, token: UnsafeRawBufferPointer) -> Bool {
        guard !token.isEmpty else { return false }
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count && value[end] != comma { end += 1 }
            var first = start, last = end
            while first < last && isWhitespace(value[first]) { first += 1 }
            while last > first && isWhitespace(value[last - 1]) { last -= 1 }
            if last - first == token.count
                && equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: value[first..<last]), token) {
                return true
            }
            start = end + 1
        }
        return false
    }

    /// Case-insensitive comparison of two ASCII byte runs.
    @inlinable
    public static func equalsIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where a[index] != b[index] && lowercased(a[index]) != lowercased(b[index]) {
            return false
        }
        return true
    }
}
