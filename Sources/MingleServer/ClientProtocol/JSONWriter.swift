/// Builds compact JSON text by hand: deterministic key order, no Foundation on the hot path.
/// Used for every server -> client message and the journal.
///
/// The text grows as UTF-8 bytes: `String +=` of many short pieces cost about 300 instructions each,
/// a quarter of a plain WebSocket handshake's user-space work through the connection log's lines.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init() { bytes.reserveCapacity(256) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func put(_ byte: UInt8) { bytes.append(byte) }
    private mutating func put(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func beginObject() { separator(); put(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { put(UInt8(ascii: "}")); needsComma.removeLast() }
    mutating func beginArray() { separator(); put(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { put(UInt8(ascii: "]")); needsComma.removeLast() }

    /// Writes `"key":` inside an object.
    mutating func key(_ k: String) {
        separator()
        JSONText.appendQuoted(k, to: &bytes)
        put(UInt8(ascii: ":"))
        // The value that follows must not get a comma of its own.
        needsComma[needsComma.count - 1] = false
        pendingKey = true
    }

    private var pendingKey = false

    private mutating func separator() {
        if pendingKey {
            pendingKey = false
            if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
            return
        }
        if let last = needsComma.last {
            if last { put(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
    }

    mutating func string(_ s: String) { separator(); JSONText.appendQuoted(s, to: &bytes) }
    mutating func int(_ v: Int) { separator(); put(String(v)) }
    mutating func int64(_ v: Int64) { separator(); put(String(v)) }
    mutating func bool(_ v: Bool) { separator(); put(v ? "true" : "false") }
    /// A finite number as JSON (integers without a fraction).
    mutating func number(_ v: Double) {
        separator()
        if v == v.rounded(), abs(v) < 9e15 { put(String(Int64(v))) } else { put(String(v)) }
    }
    mutating func null() { separator(); put("null") }
    /// Already-encoded JSON (a nested document built by another writer).
    mutating func raw(_ json: String) { separator(); put(json) }
    mutating func optionalString(_ s: String?) { if let s { string(s) } else { null() } }

    // Key-value shorthands.
    mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    mutating func field(_ k: String, _ v: Int) { key(k); int(v) }
    mutating func field(_ k: String, _ v: Int64) { key(k); int64(v) }
    mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }
    mutating func field(_ k: String, optional v: String?) { key(k); optionalString(v) }
    /// Omits the key entirely when the value is nil.
    mutating func fieldIfPresent(_ k: String, _ v: String?) { if let v { key(k); string(v) } }

    /// `{"type": type, ...body}` as UTF-8 bytes.
    static func message(_ type: String, _ body: (inout JSONWriter) -> Void = { _ in }) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", type)
        body(&w)
        w.endObject()
        return w.bytes
    }
}
