/// Builds the Prometheus text exposition format 0.0.4: every family gets `# HELP` and `# TYPE`
/// once, before its samples; counters end in `_total`; label values are escaped (\\, ", \n).
struct PrometheusText {
    private(set) var text = ""
    private var declared: Set<String> = []

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    enum Kind: String { case counter, gauge, histogram }

    /// Declares a family (once); `name` is the family name (for counters, with `_total`).
    mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        precondition(kind != .counter || name.hasSuffix("_total"), "counter \(name) must end in _total")
        guard declared.insert(name).inserted else { return }
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.key)=\"\(Self.escapeLabel($0.value))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Int) {
        sample(name, labels, Double(value))
    }

    /// A one-sample family.
    mutating func single(_ name: String, _ kind: Kind, _ help: String, _ value: Double) {
        family(name, kind, help)
        sample(name, [:], value)
    }

    mutating func single(_ name: String, _ kind: Kind, _ help: String, _ value: Int) {
        single(name, kind, help, Double(value))
    }

    /// A histogram from cumulative bucket counts (bounds ascending), the total count and sum.
    mutating func histogram(_ name: String, _ help: String, bounds: [Double], cumulative: [Int], count: Int, sum: Double) {
        family(name, .histogram, help)
        for (bound, n) in zip(bounds, cumulative) {
            text += "\(name)_bucket{le=\"\(Self.format(bound))\"} \(n)\n"
        }
        text += "\(name)_bucket{le=\"+Inf\"} \(count)\n\(name)_sum \(Self.format(sum))\n\(name)_count \(count)\n"
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
