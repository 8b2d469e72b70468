import Foundation
import TLS

/// The one signed-token scheme, for resume tokens and admin session cookies:
///
///     <subject> "." <issuedAtSeconds> "." base64url(HMAC-SHA-256(key, "<subject>.<issuedAtSeconds>"))
///
/// The subject (an attendee id, "admin") never contains a dot. The issue time is signed with it,
/// so a verifier can refuse old tokens (the admin cookie's 12 hours) and cannot be fooled about
/// their age. Signatures are compared in constant time. Different uses take different keys (the
/// admin cookie's key is derived from the server secret), so a token of one kind is never valid
/// as the other.
struct SignedToken: Sendable {
    let key: [UInt8]

    /// What a verified token says.
    struct Claims: Equatable, Sendable {
        let subject: Substring
        let issuedAtSeconds: Int64
    }

    func sign(subject: String, issuedAtSeconds: Int64) -> String {
        precondition(!subject.isEmpty && !subject.contains("."), "a token subject has no dots")
        let body = "\(subject).\(issuedAtSeconds)"
        return body + "." + Self.base64url(HMACSHA256.authenticate(Array(body.utf8), key: key))
    }

    /// The claims of a token signed with this key; nil for anything else (wrong key, altered
    /// subject or time, malformed).
    func verify(_ token: String) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let issued = Int64(parts[1]) else { return nil }
        let body = token[parts[0].startIndex..<parts[1].endIndex]
        let expected = Self.base64url(HMACSHA256.authenticate(Array(body.utf8), key: key))
        guard HMACSHA256.constantTimeEqual(Array(expected.utf8), Array(parts[2].utf8)) else { return nil }
        return Claims(subject: parts[0], issuedAtSeconds: issued)
    }

    /// RFC 4648 §5 base64url without padding.
    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
