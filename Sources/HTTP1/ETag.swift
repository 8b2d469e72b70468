import ByteText
/// An entity tag (RFC 9110 §8.8.3): `"opaque"` (strong) or `W/"opaque"` (weak).
public struct ETag: Sendable, Hashable {
    /// The characters between the quotes.
    public var opaqueTag: String
    public var isWeak: Bool

    public init(opaqueTag: String, isWeak: Bool = false) {
        precondition(opaqueTag.utf8.allSatisfy(ETag.isETagChar), "entity-tag characters only")
        self.opaqueTag = opaqueTag
        self.isWeak = isWeak
    }

    /// A strong tag from the content itself: 16 hex digits of its FNV-1a 64-bit hash, so the same
    /// bytes get the same tag across restarts and servers.
    public static func strong<Bytes: Sequence>(for content: Bytes) -> ETag where Bytes.Element == UInt8 {
        ETag(opaqueTag: hexDigits(fnv1a64(content)))
    }

    public static func weak<Bytes: Sequence>(for content: Bytes) -> ETag where Bytes.Element == UInt8 {
        ETag(opaqueTag: hexDigits(fnv1a64(content)), isWeak: true)
    }

    /// The field value for an `ETag` header.
    public var headerValue: String {
        (isWeak ? "W/\"" : "\"") + opaqueTag + "\""
    }

    public static func fnv1a64<Bytes: Sequence>(_ content: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in content {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.utf8.count) + digits
    }

    /// `etagc = %x21 / %x23-7E / obs-text`
    static func isETagChar(_ byte: UInt8) -> Bool {
        byte == 0x21 || (byte >= 0x23 && byte != 0x7F)
    }

    /// Whether an `If-None-Match` value matches `etag`, so a GET or HEAD is answered 304
    /// (RFC 9110 §13.1.2): `*` matches any current representation; otherwise the value is a list of
    /// entity tags compared with the weak comparison (opaque tags equal, weakness ignored). Commas
    /// may appear inside a quoted tag, so the list is read tag by tag, not split on commas. A value
    /// that does not parse matches nothing.
    public static func ifNoneMatchMatches(headerValue: String, etag: ETag) -> Bool {
        var value = headerValue
        var target = etag.opaqueTag
        return value.withUTF8 { bytes in
            target.withUTF8 { wanted in
                listMatches(bytes, wanted)
            }
        }
    }

    static func listMatches(_ bytes: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func skipSeparators() {
            while index < bytes.count && (ASCII.isWhitespace(bytes[index]) || bytes[index] == ASCII.comma) {
                index += 1
            }
        }
        skipSeparators()
        if index < bytes.count && bytes[index] == UInt8(ascii: "*") {
            index += 1
            skipSeparators()
            return index == bytes.count
        }
        while index < bytes.count {
            if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "W") && bytes[index + 1] == ASCII.slash {
                index += 2
            }
            guard index < bytes.count, bytes[index] == ASCII.quote else { return false }
            index += 1
            let start = index
            while index < bytes.count && bytes[index] != ASCII.quote {
                guard isETagChar(bytes[index]) else { return false }
                index += 1
            }
            guard index < bytes.count else { return false }
            if index - start == wanted.count && (0..<wanted.count).allSatisfy({ bytes[start + $0] == wanted[$0] }) {
                return true
            }
            index += 1
            let afterTag = index
            skipSeparators()
            // Tags are separated by a comma, not just whitespace.
            if index < bytes.count && !bytes[afterTag..<index].contains(ASCII.comma) { return false }
        }
        return false
    }
}

/// See `ETag.ifNoneMatchMatches(headerValue:etag:)`.
public func ifNoneMatchMatches(headerValue: String, etag: ETag) -> Bool {
    ETag.ifNoneMatchMatches(headerValue: headerValue, etag: etag)
}
