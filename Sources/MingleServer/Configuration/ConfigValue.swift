import Foundation

/// A configuration file as a tree, before any meaning is given to it. Decoding into this (rather than
/// straight into structs) lets the loader see every key, so unknown keys and all type errors are reported
/// together with their paths.
indirect enum ConfigValue: Decodable, Equatable {
    case object([String: ConfigValue])
    case array([ConfigValue])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            var fields: [String: ConfigValue] = [:]
            for key in container.allKeys { fields[key.stringValue] = try container.decode(ConfigValue.self, forKey: key) }
            self = .object(fields)
        } else if var container = try? decoder.unkeyedContainer() {
            var items: [ConfigValue] = []
            while !container.isAtEnd { items.append(try container.decode(ConfigValue.self)) }
            self = .array(items)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    /// Parses JSON with the JSON5 extensions Foundation offers (comments, trailing commas, unquoted keys,
    /// single-quoted strings). Duplicate keys are not detected by Foundation: the last one wins.
    static func parse(_ data: Data) throws -> ConfigValue {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return try decoder.decode(ConfigValue.self, from: data)
    }

    /// How a value is quoted in an error message's "got ...".
    var shown: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string(let text): "\"\(text.count > 60 ? String(text.prefix(57)) + "..." : text)\""
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .bool(let value): String(value)
        case .null: "null"
        }
    }
}
