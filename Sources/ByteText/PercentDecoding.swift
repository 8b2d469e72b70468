/// The one percent-decoder (RFC 3986 §2.1), for request paths and form bodies.
public enum PercentDecoding {
    /// Decodes `%XX` escapes (either case); with `plusAsSpace`, "+" is a space, as in
    /// `application/x-www-form-urlencoded` (WHATWG URL §5.1). Nil when a "%" is not followed by two
    /// hex digits: a malformed escape is refused, never passed through.
    public static func decode(_ bytes: some Sequence<UInt8>, plusAsSpace: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case ASCII.percent:
                guard let high = iterator.next().flatMap(ASCII.hexValue), let low = iterator.next().flatMap(ASCII.hexValue) else {
                    return nil
                }
                out.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                out.append(ASCII.space)
            default:
                out.append(byte)
            }
        }
        return out
    }
}
