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
    /// `quote(s)` appended as UTF-8, without making a String.
    static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &bytes) }
    }

    /// The UTF-8 text `utf8` as a JSON string: `"` and `\` escaped, control characters as `\n`,
    /// `\r`, `\t` or `\u00XX`, everything else as it is. Most strings need no escaping: the bytes
    /// are checked once and copied whole.
    static func appendQuoted(_ utf8: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var clean = 0, index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else {
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[clean..<index]))
            index += 1
            clean = index
            bytes.append(0x5C)
            switch byte {
            case 0x22, 0x5C: bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                // U+0000-U+001F as \u00XX, lowercase hex.
                let low = byte & 0x0F
                bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, 0x30 + (byte >> 4), low < 10 ? 0x30 + low : 0x57 + low])
            }
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[clean..<count]))
        bytes.append(0x22)
    }

    public static func quote(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
