/// A one-line JSON object for the machine-readable result.
public struct JSONLine {
    var parts: [String] = []
    public init() {}

    public mutating func add(_ key: String, _ value: Double) {
        let v = value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format3(value))) : "null"
        parts.append("\"\(key)\":\(v)")
    }
    public mutating func add(_ key: String, _ value: Int) { parts.append("\"\(key)\":\(value)") }
    public mutating func add(_ key: String, _ value: Bool) { parts.append("\"\(key)\":\(value)") }
    public mutating func add(_ key: String, _ value: String) { parts.append("\"\(key)\":\"\(Self.escape(value))\"") }
    public mutating func add(_ key: String, _ value: [String: Double]) {
        for (k, v) in value.sorted(by: { $0.key < $1.key }) { add("\(key)_\(k)", v) }
    }
    public mutating func addNull(_ key: String) { parts.append("\"\(key)\":null") }

    public var text: String { "{" + parts.joined(separator: ",") + "}" }

    func format3(_ v: Double) -> String {
        let scaled = (v * 1000).rounded() / 1000
        return "\(scaled)"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if c.value < 0x20 { out += "?" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
