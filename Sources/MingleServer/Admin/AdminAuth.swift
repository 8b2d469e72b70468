import Foundation
import HTTP1
import EventLoop
import Synchronization
import TLS

/// Admin authentication: a bearer token (scripts) or a signed session cookie set by the login
/// form (the dashboard). Tokens are compared in constant time.
///
/// Wrong guesses are slowed down per address: after `failuresBeforeLockout` of them, every further
/// wrong token from that address is answered 429 with a Retry-After that doubles with each one
/// (up to an hour). The right token and a valid session cookie are never refused: at a hybrid event
/// the organisers often share the venue's one public address with the attendees, and a lockout that
/// held back the right token too would let anyone there lock them out of their own dashboard. The
/// lockout is about noise and cost, not secrecy: the token (generated, or at least 16 characters)
/// is far beyond guessing at any rate.
final class AdminAuth: Sendable {
    let token: [UInt8]
    private let cookieKey: [UInt8]
    private let failures = Locked<[String: Failures]>([:])
    /// Sessions issued before this second are void ("Sign out" signs every dashboard out).
    private let revokedBefore = Atomic<Int64>(0)
    static let cookieName = "mingle_admin"
    static let sessionLifetimeSeconds: Int64 = 12 * 3600
    /// Wrong tokens from one address before the next ones are answered 429.
    static let failuresBeforeLockout = 5
    /// Longest wait asked of a guesser (the doubling stops here).
    static let maxLockout: Duration = .seconds(3600)
    /// An address whose last wrong token is older than this starts again from zero.
    static let failureMemory: Duration = .seconds(3600)
    /// Addresses remembered at most; past it the table starts again (a flood of addresses cannot grow memory).
    static let maxAddresses = 10_000

    private struct Failures {
        var count = 0
        var last: ContinuousClock.Instant
        var lockedUntil: ContinuousClock.Instant?
    }

    init(token: String, cookieKey: [UInt8]) {
        self.token = Array(token.utf8)
        self.cookieKey = cookieKey
    }

    enum Verdict: Error, Equatable {
        case allowed(actor: String)
        case unauthenticated
        case lockedOut(retryAfterSeconds: Int)
    }

    /// Checks the request's bearer token or session cookie. Only a wrong bearer token counts as a guess.
    func check(_ head: HTTPRequestHead, remote: String, nowSeconds: Int64, now: ContinuousClock.Instant = .now) -> Verdict {
        if let auth = head.headers["authorization"], auth.lowercased().hasPrefix("bearer ") {
            let presented = Array(auth.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
            if HMACSHA256.constantTimeEqual(presented, token) { return .allowed(actor: "token") }
            return wrongGuess(remote, now: now)
        }
        if let cookie = Self.cookie(Self.cookieName, in: head), verifySession(cookie, nowSeconds: nowSeconds) {
            return .allowed(actor: "dashboard")
        }
        return .unauthenticated
    }

    /// The login form: a correct token gets a session cookie value.
    func login(presented: String, remote: String, nowSeconds: Int64, now: ContinuousClock.Instant = .now) -> Result<String, Verdict> {
        guard HMACSHA256.constantTimeEqual(Array(presented.utf8), token) else {
            return .failure(wrongGuess(remote, now: now))
        }
        return .success(SignedToken(key: cookieKey).sign(subject: "admin", issuedAtSeconds: nowSeconds))
    }

    /// Counts a wrong token from `remote`: 401 while under the threshold, then 429 with a wait that
    /// doubles with every further wrong token (the right one never waits: it does not get here).
    /// The count is not reset by a success from the same address, which may be someone else's.
    private func wrongGuess(_ remote: String, now: ContinuousClock.Instant) -> Verdict {
        failures.withLock { table in
            if table.count >= Self.maxAddresses, table[remote] == nil { table.removeAll() }
            var entry = table[remote] ?? Failures(last: now)
            if now - entry.last > Self.failureMemory { entry = Failures(last: now) }
            let wasLocked = entry.lockedUntil.map { $0 > now } ?? false
            entry.count += 1
            entry.last = now
            var verdict = Verdict.unauthenticated
            if entry.count >= Self.failuresBeforeLockout {
                let wait = min(Self.maxLockout, .seconds(1 << min(12, entry.count - Self.failuresBeforeLockout)))
                entry.lockedUntil = now + wait
                if wasLocked { verdict = .lockedOut(retryAfterSeconds: max(1, Int(wait.components.seconds))) }
            }
            table[remote] = entry
            return verdict
        }
    }

    func verifySession(_ value: String, nowSeconds: Int64) -> Bool {
        guard let claims = SignedToken(key: cookieKey).verify(value), claims.subject == "admin" else { return false }
        let issued = claims.issuedAtSeconds
        return nowSeconds - issued < Self.sessionLifetimeSeconds && issued <= nowSeconds + 60
            && issued >= revokedBefore.load(ordering: .relaxed)
    }

    /// Voids every session cookie issued so far, this second included (cookies carry whole
    /// seconds); open dashboard feeds close within a second.
    func revokeSessions(nowSeconds: Int64) {
        revokedBefore.store(nowSeconds + 1, ordering: .relaxed)
    }

    static func cookie(_ name: String, in head: HTTPRequestHead) -> String? {
        for header in head.headers.values(for: "cookie") {
            for pair in header.split(separator: ";") {
                let kv = pair.trimmingCharacters(in: .whitespaces)
                if kv.hasPrefix(name + "=") { return String(kv.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    /// The admin token: from the settings or `MINGLE_ADMIN_TOKEN`, else generated once and kept
    /// (mode 0600) in the state directory. There is never a default token.
    static func resolveToken(configured: String?, stateDirectory: String) throws -> (token: String, source: String) {
        if let configured, !configured.isEmpty { return (configured, "settings") }
        if let env = ProcessInfo.processInfo.environment["MINGLE_ADMIN_TOKEN"], !env.isEmpty { return (env, "MINGLE_ADMIN_TOKEN") }
        let path = stateDirectory + "/admin-token"
        if let data = FileManager.default.contents(atPath: path),
           let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), text.count >= 16 {
            return (text, path)
        }
        let token = SignedToken.base64url(SecureRandom.bytes(24))
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return (token, path)
    }
}
