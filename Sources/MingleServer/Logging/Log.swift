import Foundation

/// Operational log: one line per event on stderr, human-readable by default or JSON
/// (`--log-format json`). Each line is written with a single write(2) so lines from
/// different threads never interleave.
public struct Log: Sendable {
    public enum Level: String, Sendable, Comparable, CaseIterable {
        case debug, info, warning, error
        var rank: Int { switch self { case .debug: 0; case .info: 1; case .warning: 2; case .error: 3 } }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var format: Format
    public var minimumLevel: Level
    private let sink: @Sendable (String) -> Void

    public init(format: Format = .text, minimumLevel: Level = .info,
                sink: @escaping @Sendable (String) -> Void = Log.writeToStandardError) {
        self.format = format
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(10)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Logs `event` (a short snake_case name) with fields, e.g. `log.info("listening", ["port": "8443"])`.
    public func log(_ level: Level, _ event: String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard level >= minimumLevel else { return }
        let time = Self.timestamp()
        switch format {
        case .text:
            var line = "\(time) \(level.rawValue.uppercased()) \(event)"
            for (k, v) in fields {
                line += " \(k)=" + (v.contains(" ") || v.isEmpty ? "\"\(v)\"" : v)
            }
            sink(line)
        case .json:
            var line = "{\"time\":\"\(time)\",\"level\":\"\(level.rawValue)\",\"event\":\(JSONText.quote(event))"
            for (k, v) in fields { line += ",\(JSONText.quote(k)):\(JSONText.quote(v))" }
            sink(line + "}")
        }
    }

    public func debug(_ e: String, _ f: KeyValuePairs<String, String> = [:]) { log(.debug, e, f) }
    public func info(_ e: String, _ f: KeyValuePairs<String, String> = [:]) { log(.info, e, f) }
    public func warning(_ e: String, _ f: KeyValuePairs<String, String> = [:]) { log(.warning, e, f) }
    public func error(_ e: String, _ f: KeyValuePairs<String, String> = [:]) { log(.error, e, f) }

    static func timestamp() -> String { UTCTime.format(WallClock.now()) }
}

/// Minimal JSON string quoting for hand-built lines (logs, journal).
public enum JSONText {
    /// `quote(s)` appended as UTF-8, without making a String when nothing needs escaping.
    static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: quote(s).utf8)
        }
    }

    public static func quote(_ s: String) -> String {
        // Most strings need no escaping: check the bytes once and copy the whole string.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            return "\"" + s + "\""
        }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
