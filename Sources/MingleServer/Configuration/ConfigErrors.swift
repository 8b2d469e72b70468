/// One broken rule in a configuration file: `event.json: sessions[1].mingle.roundSeconds: must be 30...1800, got 5`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name (last path component), so messages stay short and stable.
    public var file: String
    /// Dotted key path with array indices; empty for the whole file.
    public var keyPath: String
    public var rule: String

    public init(file: String, keyPath: String, rule: String) {
        self.file = file
        self.keyPath = keyPath
        self.rule = rule
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(rule)" : "\(file): \(keyPath): \(rule)"
    }
}

/// Every error found in one pass over a file: organisers fix them all at once instead of one per run.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
