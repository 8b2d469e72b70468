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

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5 base64url without padding. Written out because Foundation's base64 plus three
    /// `replacingOccurrences` was a tenth of the server's own work for a join (every welcome signs a token).
    static func base64url(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] as [UInt32] { out.append(alphabet[Int(n >> shift & 0x3F)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
            if rest == 2 { out.append(alphabet[Int(n >> 6 & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
