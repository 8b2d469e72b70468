/// ASCII helpers for header values (RFC 9110 §5.6): case-insensitive comparison, optional
/// whitespace, comma-separated lists. Linear in the input, so hostile values (10k commas) stay cheap.
enum HeaderText {
    static func isOWS(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    static func lowercased(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
    }

    static func equalsIgnoringCase(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { lowercased($0) == lowercased($1) }
    }

    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        equalsIgnoringCase(a.utf8, b.utf8)
    }

    static func trimmed(_ s: Substring) -> Substring {
        var s = s
        while let c = s.utf8.first, isOWS(c) { s = s.dropFirst() }
        while let c = s.utf8.last, isOWS(c) { s = s.dropLast() }
        return s
    }

    /// Elements of a comma-separated list (RFC 9110 §5.6.1), trimmed; empty elements are skipped.
    static func listElements(_ value: String) -> [Substring] {
        value.split(separator: ",", omittingEmptySubsequences: true).map(trimmed).filter { !$0.isEmpty }
    }

    /// Whether a comma-separated header value contains `token`, compared case-insensitively.
    static func listContains(_ value: String, token: String) -> Bool {
        var found = false
        for element in value.split(separator: ",", omittingEmptySubsequences: true) where !found {
            if equalsIgnoringCase(trimmed(element).utf8, token.utf8) { found = true }
        }
        return found
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }
}
