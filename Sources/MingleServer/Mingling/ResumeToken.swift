import Foundation
import Mingling
import TLS

/// Resume tokens: `<attendee>.<issuedAtSeconds>.<base64url HMAC-SHA-256>` signed with the server
/// secret, so they stay valid across a restart (the secret is kept in the state directory) and
/// cannot be forged or moved to another attendee.
struct ResumeTokens: Sendable {
    let secret: [UInt8]

    func issue(for attendee: AttendeeID, at now: Timestamp) -> String {
        let body = "\(attendee.rawValue).\(now.millisecondsSinceEpoch / 1000)"
        return body + "." + Self.base64url(HMACSHA256.authenticate(Array(body.utf8), key: secret))
    }

    /// The attendee a token names, if its signature is ours.
    func verify(_ token: String) -> AttendeeID? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let id = UInt32(parts[0]), id > 0, Int64(parts[1]) != nil else { return nil }
        let body = "\(parts[0]).\(parts[1])"
        let expected = Self.base64url(HMACSHA256.authenticate(Array(body.utf8), key: secret))
        guard HMACSHA256.constantTimeEqual(Array(expected.utf8), Array(parts[2].utf8)) else { return nil }
        return AttendeeID(id)
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Loads the secret from `path`, creating it (32 random bytes, mode 0600) the first time.
    static func loadOrCreateSecret(at path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 {
            return Array(data)
        }
        let secret = SecureRandom.bytes(32)
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return secret
    }
}

