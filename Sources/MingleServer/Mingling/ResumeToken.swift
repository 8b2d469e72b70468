import Foundation
import Mingling
import TLS

/// Resume tokens: `SignedToken`s whose subject is the attendee's id, signed with the server
/// secret, so they stay valid across a restart (the secret is kept in the state directory) and
/// cannot be forged or moved to another attendee.
struct ResumeTokens: Sendable {
    let scheme: SignedToken

    init(secret: [UInt8]) { scheme = SignedToken(key: secret) }

    func issue(for attendee: AttendeeID, at now: Timestamp) -> String {
        scheme.sign(subject: "\(attendee.rawValue)", issuedAtSeconds: now.millisecondsSinceEpoch / 1000)
    }

    enum Verdict: Equatable {
        case valid(AttendeeID)
        /// Ours, but past `validUntil` (or issued after it).
        case expired
        /// Not ours: forged, altered, malformed.
        case invalid
    }

    /// The attendee a token names, if its signature is ours and `now` is not past `validUntil` (the end of the
    /// event plus the settings' grace; nil: no end, as for an event without sessions).
    func verify(_ token: String, now: Timestamp, validUntil: Timestamp?) -> Verdict {
        guard let claims = scheme.verify(token), let id = UInt32(claims.subject), id > 0 else { return .invalid }
        if let validUntil, now > validUntil || claims.issuedAtSeconds * 1000 > validUntil.millisecondsSinceEpoch {
            return .expired
        }
        return .valid(AttendeeID(id))
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

