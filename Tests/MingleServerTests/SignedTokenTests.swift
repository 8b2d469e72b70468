import Mingling
import Testing
@testable import MingleServer

/// The one signed-token scheme (resume tokens, admin session cookies).
@Suite struct SignedTokenTests {
    let key = Array("0123456789abcdef0123456789abcdef".utf8)
    var scheme: SignedToken { SignedToken(key: key) }

    @Test func signsTheSubjectAndTheIssueTimeAndVerifiesThem() {
        let token = scheme.sign(subject: "42", issuedAtSeconds: 1_796_032_800)
        #expect(token.hasPrefix("42.1796032800."))
        let mac = token.split(separator: ".")[2]
        #expect(mac.count == 43, "32 bytes in unpadded base64url")
        #expect(!mac.contains("=") && !mac.contains("+") && !mac.contains("/"))
        #expect(scheme.verify(token) == SignedToken.Claims(subject: "42", issuedAtSeconds: 1_796_032_800))
    }

    /// RFC 4648 §10's vectors, in the URL-safe alphabet (§5) and without padding, plus bytes that use
    /// the two letters that differ from base64 (- and _) and one input of every residue.
    @Test func base64urlKnownAnswers() {
        let vectors: [([UInt8], String)] = [
            ([], ""),
            ([0x66], "Zg"),
            ([0x66, 0x6f], "Zm8"),
            ([0x66, 0x6f, 0x6f], "Zm9v"),
            ([0x66, 0x6f, 0x6f, 0x62], "Zm9vYg"),
            ([0x66, 0x6f, 0x6f, 0x62, 0x61], "Zm9vYmE"),
            ([0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72], "Zm9vYmFy"),
            ([0xfb, 0xff, 0xbf], "-_-_"),
            ([0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f], "ABCDEFGHIJKLMNOP"),
        ]
        for (bytes, text) in vectors { #expect(SignedToken.base64url(bytes) == text, "\(bytes)") }
    }

    @Test func aTamperedTokenIsRefused() {
        let token = scheme.sign(subject: "42", issuedAtSeconds: 1_796_032_800)
        #expect(scheme.verify(token.replacingOccurrences(of: "42.", with: "43.")) == nil, "another subject")
        #expect(scheme.verify(token.replacingOccurrences(of: ".1796032800.", with: ".1796032801.")) == nil, "another time")
        var bytes = Array(token.utf8)
        bytes[bytes.count - 1] = bytes[bytes.count - 1] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(scheme.verify(String(decoding: bytes, as: UTF8.self)) == nil, "another signature")
        for malformed in ["", "42", "42.1796032800", "42..x", ".1.x", "42.soon.x", token + ".extra"] {
            #expect(scheme.verify(malformed) == nil, "\(malformed)")
        }
    }

    @Test func aTokenSignedWithAnotherKeyIsRefused() {
        let other = SignedToken(key: Array("another key, also 32 bytes long!".utf8))
        #expect(other.verify(scheme.sign(subject: "admin", issuedAtSeconds: 1)) == nil)
    }

    @Test func theIssueTimeIsCarriedForAnExpiryCheck() {
        let claims = scheme.verify(scheme.sign(subject: "admin", issuedAtSeconds: 1_000))
        #expect(claims?.issuedAtSeconds == 1_000)
    }

    @Test func resumeTokensNameTheirAttendeeAndSurviveARestart() {
        let secret = Array(repeating: UInt8(7), count: 32)
        let token = ResumeTokens(secret: secret).issue(for: AttendeeID(9), at: Timestamp(secondsSinceEpoch: 1_796_032_800))
        #expect(token.hasPrefix("9.1796032800."))
        let now = Timestamp(secondsSinceEpoch: 1_796_040_000)
        func verify(_ t: String, with key: [UInt8] = secret) -> ResumeTokens.Verdict {
            ResumeTokens(secret: key).verify(t, now: now, validUntil: nil)
        }
        #expect(verify(token) == .valid(AttendeeID(9)), "a new instance with the kept secret")
        #expect(verify(token, with: Array(repeating: 8, count: 32)) == .invalid)
        #expect(verify(SignedToken(key: secret).sign(subject: "admin", issuedAtSeconds: 1)) == .invalid)
        #expect(verify(SignedToken(key: secret).sign(subject: "0", issuedAtSeconds: 1)) == .invalid)
    }

    /// Resume tokens expire a set time after the event's last session (a manual clock walks past it).
    @Test func resumeTokensExpireAfterTheEvent() {
        let tokens = ResumeTokens(secret: Array(repeating: UInt8(7), count: 32))
        let lastSessionEnd = Timestamp(secondsSinceEpoch: 1_800_000_000)
        let validUntil = lastSessionEnd.adding(seconds: 86_400)
        let token = tokens.issue(for: AttendeeID(3), at: lastSessionEnd.adding(seconds: -3_600))
        #expect(tokens.verify(token, now: lastSessionEnd, validUntil: validUntil) == .valid(AttendeeID(3)))
        #expect(tokens.verify(token, now: validUntil, validUntil: validUntil) == .valid(AttendeeID(3)), "to the second")
        #expect(tokens.verify(token, now: validUntil.adding(seconds: 1), validUntil: validUntil) == .expired)
        let late = tokens.issue(for: AttendeeID(4), at: validUntil.adding(seconds: 60))
        #expect(tokens.verify(late, now: validUntil.adding(seconds: 60), validUntil: validUntil) == .expired,
                "issued after the end: expired from the start")
        #expect(tokens.verify(token, now: validUntil.adding(seconds: 1_000_000), validUntil: nil) == .valid(AttendeeID(3)),
                "an event without sessions has no end")
    }

    @Test func adminSessionsExpireAndAreRevoked() {
        let auth = AdminAuth(token: "a-long-enough-admin-token", cookieKey: key)
        guard case .success(let cookie) = auth.login(presented: "a-long-enough-admin-token", remote: "r", nowSeconds: 1_000) else {
            Issue.record("login refused")
            return
        }
        #expect(auth.verifySession(cookie, nowSeconds: 1_000 + 3_600))
        #expect(!auth.verifySession(cookie, nowSeconds: 1_000 + AdminAuth.sessionLifetimeSeconds), "12 hours later")
        #expect(!auth.verifySession(scheme.sign(subject: "42", issuedAtSeconds: 1_000), nowSeconds: 1_001), "a resume token is no session")
        auth.revokeSessions(nowSeconds: 1_010)
        #expect(!auth.verifySession(cookie, nowSeconds: 1_011))
    }
}
