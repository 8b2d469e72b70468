import Foundation

/// `turn.*` in server.json: a TURN server that shares a secret with Mingle (coturn's `use-auth-secret` +
/// `static-auth-secret`, the "REST API for access to TURN services"). Mingle hands each attendee in a breakout
/// a username that carries its own expiry and the credential `base64(HMAC-SHA1(secret, username))`; the TURN
/// server checks both without asking Mingle anything. Documented in Config/README.md ("TURN").
///
/// These are the operator's settings, not the event's: the secret belongs to the TURN server the operator runs
/// next to Mingle, is the same for every event the server hosts, and sits in a file only the service account
/// reads, like `tls.privateKey`. The event file is edited by organisers and its `iceServers` go to every browser
/// as they stand.
public struct TurnSettings: Sendable, Equatable {
    /// `turn:` / `turns:` URLs (RFC 7065) handed to browsers with each credential.
    public var urls: [String]
    /// The shared secret's file (read at start and on SIGHUP; never sent, never logged).
    public var secretFile: String
    /// How long a credential works. Renewed at three quarters of it while the attendee is in a breakout.
    public var credentialSeconds: Int

    public static let defaultCredentialSeconds = 3600
    /// 1 minute to 1 day: shorter churns renewals for nothing, longer makes a leaked credential worth more.
    public static let credentialSecondsBounds = 60...86_400
    public static let urlCountBounds = 1...10
    public static let urlMaxCharacters = 256

    public init(urls: [String], secretFile: String, credentialSeconds: Int = defaultCredentialSeconds) {
        self.urls = urls
        self.secretFile = secretFile
        self.credentialSeconds = credentialSeconds
    }
}

/// Checks a TURN URL against RFC 7065 §3.1: `turn:` or `turns:`, a host (name, IPv4 or bracketed IPv6), an
/// optional port, an optional `?transport=udp|tcp`. Nothing else: no `//`, no user, no path.
enum TurnURL {
    /// nil when the URL is well formed, else what is wrong with it.
    static func problem(_ url: String) -> String? {
        let scheme: String
        if url.hasPrefix("turn:") { scheme = "turn:" } else if url.hasPrefix("turns:") { scheme = "turns:" } else {
            return "must start with turn: or turns:"
        }
        var rest = Substring(url.dropFirst(scheme.count))
        if rest.hasPrefix("//") { return "has no // after the scheme (turn:host:port, RFC 7065)" }
        if let q = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: q)...]
            guard query == "transport=udp" || query == "transport=tcp" else {
                return "may only end in ?transport=udp or ?transport=tcp"
            }
            if scheme == "turns:" && query == "transport=udp" { return "turns: runs over TLS, which needs ?transport=tcp" }
            rest = rest[..<q]
        }
        var host = rest
        var port: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return "has an unclosed [ in its IPv6 address" }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "has something after its IPv6 address that is not :port" }
                port = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return "has a malformed IPv6 address"
            }
        } else {
            if let colon = rest.firstIndex(of: ":") {
                host = rest[..<colon]
                port = rest[rest.index(after: colon)...]
            }
            guard !host.isEmpty, host.count <= 253,
                  host.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "." }),
                  !host.hasPrefix("."), !host.hasPrefix("-") else {
                return "needs a host name or IP address"
            }
        }
        if let port {
            guard let n = Int(port), (1...65_535).contains(n), port.allSatisfy(\.isNumber) else {
                return "has a port that is not 1...65535"
            }
        }
        return nil
    }
}

/// Reads the shared secret. Surrounding whitespace is dropped (`echo secret > file` adds a newline), as coturn
/// reads `static-auth-secret=` up to the end of its line.
public enum TurnSecretFile {
    public static let minimumCharacters = 16
    public static let maximumBytes = 4096

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The secret's bytes; the error never contains them.
    public static func read(_ path: String) throws(Problem) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read \(path)")
        }
        guard data.count <= maximumBytes else { throw Problem(description: "\(path) is over \(maximumBytes) bytes: not a secret file") }
        guard let text = String(data: data, encoding: .utf8) else { throw Problem(description: "\(path) is not UTF-8 text") }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.contains(where: \.isNewline) else { throw Problem(description: "\(path) has more than one line") }
        guard secret.count >= minimumCharacters else {
            throw Problem(description: "\(path) holds \(secret.count) characters; a shared secret needs at least \(minimumCharacters)")
        }
        return Array(secret.utf8)
    }

    /// Whether others than the owner may read the file (worth a warning in check-config).
    static func isReadableByOthers(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = attributes[.posixPermissions] as? NSNumber else { return false }
        return mode.intValue & 0o044 != 0
    }
}
