import Foundation
import Mingling

/// Collects errors for one file while the loader walks it.
struct ConfigDiagnostics {
    let file: String
    var errors: [ConfigError] = []

    mutating func fail(_ path: String, _ rule: String) {
        errors.append(ConfigError(file: file, keyPath: path, rule: rule))
    }
}

/// Reads the fields of one JSON object, remembering which keys were asked for so that any other key is
/// reported: a typo (`roundSecond`) must not silently fall back to a default.
struct ObjectReader {
    let path: String
    let fields: [String: ConfigValue]
    private var known: [String] = []

    /// `nil` (with an error) unless `value` is an object.
    init?(_ value: ConfigValue, path: String, _ diagnostics: inout ConfigDiagnostics) {
        guard case .object(let fields) = value else {
            diagnostics.fail(path, "must be an object, got \(value.shown)")
            return nil
        }
        self.path = path
        self.fields = fields
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value of `key`; `null` counts as absent. Reports a missing required key.
    mutating func value(_ key: String, required: Bool, _ diagnostics: inout ConfigDiagnostics) -> ConfigValue? {
        known.append(key)
        guard let value = fields[key], value != .null else {
            if required { diagnostics.fail(keyPath(key), "is required") }
            return nil
        }
        return value
    }

    mutating func string(
        _ key: String, required: Bool = true, maxLength: Int = 200, _ diagnostics: inout ConfigDiagnostics
    ) -> String? {
        guard let value = value(key, required: required, &diagnostics) else { return nil }
        guard case .string(let text) = value else {
            diagnostics.fail(keyPath(key), "must be a string, got \(value.shown)")
            return nil
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            diagnostics.fail(keyPath(key), "must not be empty")
            return nil
        }
        if text.count > maxLength {
            diagnostics.fail(keyPath(key), "must be at most \(maxLength) characters, got \(text.count)")
            return nil
        }
        return text
    }

    /// An identifier: lowercase letters, digits, `-` and `_`, starting with a letter or digit, 1...64 long.
    mutating func identifier(_ key: String, _ diagnostics: inout ConfigDiagnostics) -> String? {
        guard let text = string(key, maxLength: 1_000, &diagnostics) else { return nil }
        guard Self.isIdentifier(text) else {
            diagnostics.fail(keyPath(key), "must be 1...64 of a-z, 0-9, - and _ (starting with a-z or 0-9), got \"\(text)\"")
            return nil
        }
        return text
    }

    static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard Limits.identifier.range.contains(bytes.count) else { return false }
        let isLowerOrDigit: (UInt8) -> Bool = { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
        return isLowerOrDigit(bytes[0]) && bytes.allSatisfy { isLowerOrDigit($0) || $0 == 0x2D || $0 == 0x5F }
    }

    mutating func integer(
        _ key: String, in bounds: ClosedRange<Int>, default fallback: Int?, _ diagnostics: inout ConfigDiagnostics
    ) -> Int? {
        guard let value = value(key, required: fallback == nil, &diagnostics) else { return fallback }
        guard case .integer(let number) = value else {
            diagnostics.fail(keyPath(key), "must be an integer, got \(value.shown)")
            return nil
        }
        guard bounds.contains(number) else {
            diagnostics.fail(keyPath(key), "must be \(bounds.lowerBound)...\(bounds.upperBound), got \(number)")
            return nil
        }
        return number
    }

    mutating func bool(_ key: String, default fallback: Bool, _ diagnostics: inout ConfigDiagnostics) -> Bool? {
        guard let value = value(key, required: false, &diagnostics) else { return fallback }
        guard case .bool(let flag) = value else {
            diagnostics.fail(keyPath(key), "must be true or false, got \(value.shown)")
            return nil
        }
        return flag
    }

    /// One of a fixed set of words, e.g. a `RawRepresentable` enum's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(
        _ key: String, default fallback: T?, _ diagnostics: inout ConfigDiagnostics
    ) -> T? where T.RawValue == String {
        guard let value = value(key, required: fallback == nil, &diagnostics) else { return fallback }
        let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard case .string(let text) = value, let choice = T(rawValue: text) else {
            diagnostics.fail(keyPath(key), "must be one of \(allowed), got \(value.shown)")
            return nil
        }
        return choice
    }

    /// The elements of an array, each with its key path (`sessions[2]`).
    mutating func array(
        _ key: String, required: Bool, maxCount: Int, _ diagnostics: inout ConfigDiagnostics
    ) -> [(path: String, value: ConfigValue)]? {
        guard let value = value(key, required: required, &diagnostics) else { return nil }
        guard case .array(let items) = value else {
            diagnostics.fail(keyPath(key), "must be an array, got \(value.shown)")
            return nil
        }
        guard items.count <= maxCount else {
            diagnostics.fail(keyPath(key), "must have at most \(maxCount) entries, got \(items.count)")
            return nil
        }
        return items.enumerated().map { ("\(keyPath(key))[\($0.offset)]", $0.element) }
    }

    /// An integer within a limit of the table (`Limits`).
    mutating func integer(
        _ key: String, _ limit: Limit, default fallback: Int?, _ diagnostics: inout ConfigDiagnostics
    ) -> Int? {
        integer(key, in: limit.range, default: fallback, &diagnostics)
    }

    /// A string within a limit of the table (its upper bound; empty strings are always refused).
    mutating func string(
        _ key: String, required: Bool = true, _ limit: Limit, _ diagnostics: inout ConfigDiagnostics
    ) -> String? {
        string(key, required: required, maxLength: limit.maximum, &diagnostics)
    }

    /// An array within a limit of the table on its number of entries.
    mutating func array(
        _ key: String, required: Bool, _ limit: Limit, _ diagnostics: inout ConfigDiagnostics
    ) -> [(path: String, value: ConfigValue)]? {
        guard let items = array(key, required: required, maxCount: limit.maximum, &diagnostics) else { return nil }
        if items.count < limit.minimum {
            diagnostics.fail(keyPath(key), "must have at least \(limit.minimum) entr\(limit.minimum == 1 ? "y" : "ies")")
        }
        return items
    }

    /// Reports every key that was never asked for, in alphabetical order.
    func reportUnknownKeys(_ diagnostics: inout ConfigDiagnostics) {
        for key in fields.keys.sorted() where !known.contains(key) {
            diagnostics.fail(keyPath(key), "unknown key (allowed: \(known.joined(separator: ", ")))")
        }
    }
}
