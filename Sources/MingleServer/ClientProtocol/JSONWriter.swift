/// Builds compact JSON text by hand: deterministic key order, no Foundation on the hot path.
/// Used for every server -> client message and the journal.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma: [Bool] = []

    init() { text.reserveCapacity(128) }

    mutating func beginObject() { separator(); text += "{"; needsComma.append(false) }
    mutating func endObject() { text += "}"; needsComma.removeLast() }
    mutating func beginArray() { separator(); text += "["; needsComma.append(false) }
    mutating func endArray() { text += "]"; needsComma.removeLast() }

    /// Writes `"key":` inside an object.
    mutating func key(_ k: String) {
        separator()
        text += JSONText.quote(k)
        text += ":"
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
            if last { text += "," }
            needsComma[needsComma.count - 1] = true
        }
    }

    mutating func string(_ s: String) { separator(); text += JSONText.quote(s) }
    mutating func int(_ v: Int) { separator(); text += String(v) }
    mutating func int64(_ v: Int64) { separator(); text += String(v) }
    mutating func bool(_ v: Bool) { separator(); text += v ? "true" : "false" }
    /// A finite number as JSON (integers without a fraction).
    mutating func number(_ v: Double) {
        separator()
        if v == v.rounded(), abs(v) < 9e15 { text += String(Int64(v)) } else { text += String(v) }
    }
    mutating func null() { separator(); text += "null" }
    /// Already-encoded JSON (a nested document built by another writer).
    mutating func raw(_ json: String) { separator(); text += json }
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
        return Array(w.text.utf8)
    }
}
