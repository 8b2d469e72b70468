import Foundation
import HTTP1
import EventLoop
import Synchronization
import TLS

/// Admin authentication: a bearer token (scripts) or a signed session cookie set by the login
/// form (the dashboard). Tokens are compared in constant time; repeated failures from one
/// address are locked out with a growing delay.
final class AdminAuth: Sendable {
    let token: [UInt8]
    private let cookieKey: [UInt8]
    private let failures = Locked<[String: (count: Int, lockedUntil: ContinuousClock.Instant?)]>([:])
    /// Sessions issued before this second are void ("Sign out" signs every dashboard out).
    private let revokedBefore = Atomic<Int64>(0)
    static let cookieName = "mingle_admin"
    static let sessionLifetimeSeconds: Int64 = 12 * 3600
    /// Failures before an address is locked out; each further failure doubles the lockout.
    static let failuresBeforeLockout = 5

    init(token: String, cookieKey: [UInt8]) {
        self.token = Array(token.utf8)
        self.cookieKey = cookieKey
    }

    enum Verdict: Error, Equatable {
        case allowed(actor: String)
        case unauthenticated
        case lockedOut(retryAfterSeconds: Int)
    }

    /// Checks the request's bearer token or session cookie.
    func check(_ head: HTTPRequestHead, remote: String, nowSeconds: Int64) -> Verdict {
        if let locked = lockout(remote) { return .lockedOut(retryAfterSeconds: locked) }
        if let auth = head.headers["authorization"], auth.lowercased().hasPrefix("bearer ") {
            let presented = Array(auth.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
            if HMACSHA256.constantTimeEqual(presented, token) {
                clearFailures(remote)
                return .allowed(actor: "token")
            }
            recordFailure(remote)
            return .unauthenticated
        }
        if let cookie = Self.cookie(Self.cookieName, in: head), verifySession(cookie, nowSeconds: nowSeconds) {
            return .allowed(actor: "dashboard")
        }
        return .unauthenticated
    }

    /// The login form: a correct token gets a session cookie value.
    func login(presented: String, remote: String, nowSeconds: Int64) -> Result<String, Verdict> {
        if let locked = lockout(remote) { return .failure(.lockedOut(retryAfterSeconds: locked)) }
        guard HMACSHA256.constantTimeEqual(Array(presented.utf8), token) else {
            recordFailure(remote)
            return .failure(.unauthenticated)
        }
        clearFailures(remote)
        return .success(SignedToken(key: cookieKey).sign(subject: "admin", issuedAtSeconds: nowSeconds))
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

    private func lockout(_ remote: String) -> Int? {
        failures.withLock { table in
            guard let until = table[remote]?.lockedUntil else { return nil }
            let left = until - ContinuousClock.now
            return left > .zero ? max(1, Int(left.components.seconds)) : nil
        }
    }

    private func recordFailure(_ remote: String) {
        failures.withLock { table in
            var entry = table[remote] ?? (0, nil)
            entry.count += 1
            if entry.count >= Self.failuresBeforeLockout {
                let seconds = min(3600, 1 << min(12, entry.count - Self.failuresBeforeLockout))
                entry.lockedUntil = .now + .seconds(seconds)
            }
            if table.count > 10_000 { table.removeAll() }
            table[remote] = entry
        }
    }

    private func clearFailures(_ remote: String) {
        _ = failures.withLock { $0.removeValue(forKey: remote) }
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
