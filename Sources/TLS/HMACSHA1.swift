import COpenSSL

/// HMAC-SHA-1 from OpenSSL, for one purpose only: TURN REST API credentials, which coturn checks as
/// `base64(HMAC-SHA1(static-auth-secret, username))` (draft-uberti-behave-turn-rest-00 §2.2). SHA-1's
/// collision weakness does not matter for an HMAC; the algorithm is fixed by the TURN server, not chosen
/// here. Everything else Mingle signs uses HMAC-SHA-256.
public enum HMACSHA1 {
    public static let outputBytes = 20

    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: outputBytes)
        var length: UInt32 = 0
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(EVP_sha1(), k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                     m.count, &out, &length) != nil
            }
        }
        // Only a broken OpenSSL (or an allocation failure inside it) gets here: our invariant, so a trap.
        precondition(ok && length == UInt32(outputBytes), "HMAC-SHA1 failed")
        return out
    }
}
