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
        #expect(ResumeTokens(secret: secret).verify(token) == AttendeeID(9), "a new instance with the kept secret")
        #expect(ResumeTokens(secret: Array(repeating: 8, count: 32)).verify(token) == nil)
        #expect(ResumeTokens(secret: secret).verify(SignedToken(key: secret).sign(subject: "admin", issuedAtSeconds: 1)) == nil)
        #expect(ResumeTokens(secret: secret).verify(SignedToken(key: secret).sign(subject: "0", issuedAtSeconds: 1)) == nil)
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
