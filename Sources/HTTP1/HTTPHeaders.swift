import ByteText
/// Header fields in the order they were received or appended. Names keep their spelling; every
/// lookup compares them case-insensitively (RFC 9110 §5.1). Repeated fields stay separate entries so
/// callers can tell `Host: a` + `Host: b` apart from one field.
public struct HTTPHeaders: Sendable, Sequence, Equatable, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    @usableFromInline var entries: [Element]

    public init() {
        entries = []
    }

    public init(_ entries: [(String, String)]) {
        self.entries = entries.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[Element]> {
        entries.makeIterator()
    }

    public var underestimatedCount: Int { entries.count }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for entry in entries where ASCII.equalsIgnoringCase(entry.name, name) {
            return entry.value
        }
        return nil
    }

    /// Every value of `name` in order.
    public func values(for name: String) -> [String] {
        entries.compactMap { ASCII.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// How many fields are named `name`.
    public func count(of name: String) -> Int {
        var total = 0
        for entry in entries where ASCII.equalsIgnoringCase(entry.name, name) {
            total += 1
        }
        return total
    }

    public func contains(_ name: String) -> Bool {
        self[name] != nil
    }

    public mutating func append(name: String, value: String) {
        entries.append((name: name, value: value))
    }

    /// Replaces every `name` field with one `name: value` (kept at the first one's position).
    public mutating func set(name: String, value: String) {
        if let first = entries.firstIndex(where: { ASCII.equalsIgnoringCase($0.name, name) }) {
            entries[first].value = value
            var index = entries.count - 1
            while index > first {
                if ASCII.equalsIgnoringCase(entries[index].name, name) { entries.remove(at: index) }
                index -= 1
            }
        } else {
            entries.append((name: name, value: value))
        }
    }

    public mutating func remove(name: String) {
        entries.removeAll { ASCII.equalsIgnoringCase($0.name, name) }
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        entries.reserveCapacity(capacity)
    }

    /// Whether any `name` field's comma-separated list holds `token` (case-insensitive), as in
    /// `Connection: keep-alive, Upgrade` (RFC 9110 §5.6.1: empty list elements and OWS are ignored).
    public func containsToken(_ token: String, for name: String) -> Bool {
        for entry in entries where ASCII.equalsIgnoringCase(entry.name, name) {
            if Self.list(entry.value, containsToken: token) { return true }
        }
        return false
    }

    static func list(_ value: String, containsToken token: String) -> Bool {
        var value = value
        var token = token
        return value.withUTF8 { bytes in
            token.withUTF8 { tokenBytes in
                var start = 0
                while start <= bytes.count {
                    var end = start
                    while end < bytes.count && bytes[end] != ASCII.comma { end += 1 }
                    var low = start, high = end
                    while low < high && ASCII.isWhitespace(bytes[low]) { low += 1 }
                    while high > low && ASCII.isWhitespace(bytes[high - 1]) { high -= 1 }
                    if high - low == tokenBytes.count {
                        var same = true
                        for offset in 0..<tokenBytes.count
                        where ASCII.lowercased(bytes[low + offset]) != ASCII.lowercased(tokenBytes[offset]) {
                            same = false
                            break
                        }
                        if same { return true }
                    }
                    start = end + 1
                }
                return false
            }
        }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
