import Foundation
import Testing
@testable import MingleServer
@testable import Mingling
import TLS

/// Short-lived TURN credentials as coturn's `use-auth-secret` checks them: a fixed vector, their expiry and
/// renewal, the settings that configure them and the secret file.
@Suite struct TurnCredentialsTests {
    static let secret = Array("north-sea-shared-secret".utf8)
    static let serverSecret = [UInt8](repeating: 7, count: 32)
    static let t = Timestamp(millisecondsSinceEpoch: 1_764_496_800_123)

    func issuer(lifetime: Int = 3600) -> TurnCredentials {
        TurnCredentials(urls: ["turn:turn.example.org:3478?transport=udp"], secret: Self.secret, lifetimeSeconds: lifetime,
                        serverSecret: Self.serverSecret)
    }

    @Test func credentialMatchesAFixedVector() {
        // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'north-sea-shared-secret',
        //             b'1764500400:t-5f0c3a9e21d7b846', hashlib.sha1).digest()).decode())"
        #expect(TurnCredentials.credential(username: "1764500400:t-5f0c3a9e21d7b846", secret: Self.secret)
                == "AUGP6c4S2mg5GDFJKmIeKzolu0I=")
    }

    @Test func usernameCarriesTheExpiryAndAPseudonym() throws {
        let turn = issuer()
        let c = turn.issue(for: AttendeeID(12), now: Self.t)
        let parts = c.username.split(separator: ":")
        #expect(parts.count == 2)
        // Whole seconds: 1764496800 (the milliseconds dropped) + 3600.
        #expect(parts[0] == "1764500400")
        #expect(c.expiresAt == Timestamp(millisecondsSinceEpoch: 1_764_500_400_000))
        #expect(c.credential == TurnCredentials.credential(username: c.username, secret: Self.secret))
        #expect(c.urls == ["turn:turn.example.org:3478?transport=udp"])
        let pseudonym = String(parts[1])
        #expect(pseudonym.count == 17 && pseudonym.hasPrefix("m"), "m + 16 hex digits: \(pseudonym)")
        #expect(!pseudonym.contains("12"), "not the attendee id")
        // Stable for the attendee (renewals, restarts), different for another, unlinkable without the server secret.
        #expect(turn.issue(for: AttendeeID(12), now: Self.t.adding(seconds: 2700)).username == "1764503100:\(pseudonym)")
        #expect(!turn.issue(for: AttendeeID(13), now: Self.t).username.hasSuffix(pseudonym))
        let other = TurnCredentials(urls: [], secret: Self.secret, lifetimeSeconds: 3600, serverSecret: [1, 2, 3])
        #expect(other.pseudonym(AttendeeID(12)) != pseudonym)
    }

    @Test func aNewSecretSignsWhatIsIssuedNext() {
        var turn = issuer()
        let before = turn.issue(for: AttendeeID(1), now: Self.t)
        turn.replaceSecret(Array("a-brand-new-secret-for-coturn".utf8))
        let after = turn.issue(for: AttendeeID(1), now: Self.t)
        #expect(before.username == after.username && before.credential != after.credential)
        #expect(after.credential == TurnCredentials.credential(username: after.username, secret: Array("a-brand-new-secret-for-coturn".utf8)))
        #expect(!"\(turn)".contains("north-sea") && !"\(turn)".contains("brand-new"), "the secret never shows in a description")
    }

    @Test func renewedAtThreeQuartersOfItsLife() {
        let turn = issuer(lifetime: 600)
        #expect(turn.renewal(issuedAt: Self.t) == Self.t.adding(seconds: 450))
        var renewals = TurnRenewals()
        renewals.issued(to: AttendeeID(2), renewAt: turn.renewal(issuedAt: Self.t))
        renewals.issued(to: AttendeeID(1), renewAt: turn.renewal(issuedAt: Self.t.adding(seconds: 10)))
        #expect(renewals.nextDeadline == Self.t.adding(seconds: 450))
        #expect(renewals.dueNow(Self.t.adding(seconds: 449)).isEmpty)
        #expect(renewals.dueNow(Self.t.adding(seconds: 450)) == [AttendeeID(2)])
        #expect(renewals.dueNow(Self.t.adding(seconds: 600)) == [AttendeeID(1), AttendeeID(2)])
        renewals.issued(to: AttendeeID(2), renewAt: turn.renewal(issuedAt: Self.t.adding(seconds: 450)))
        #expect(renewals.nextDeadline == Self.t.adding(seconds: 460))
        renewals.forget(AttendeeID(1))
        #expect(renewals.holders == [AttendeeID(2)] && renewals.nextDeadline == Self.t.adding(seconds: 900))
        // Each renewal happens before the credential it replaces expires.
        let c = turn.issue(for: AttendeeID(2), now: Self.t)
        #expect(turn.renewal(issuedAt: Self.t) < c.expiresAt)
    }

    @Test func turnURLsAreCheckedAgainstRFC7065() {
        for good in ["turn:turn.example.org", "turn:turn.example.org:3478?transport=udp", "turn:10.200.1.1:3478?transport=tcp",
                     "turns:turn.example.org:443?transport=tcp", "turn:[2001:db8::1]:3478", "turns:turn.example.org"] {
            #expect(TurnURL.problem(good) == nil, "\(good)")
        }
        let bad: [(String, String)] = [
            ("stun:stun.example.org", "must start with turn:"),
            ("turn://turn.example.org", "has no //"),
            ("turn:turn.example.org:0", "port"),
            ("turn:turn.example.org:70000", "port"),
            ("turn:turn.example.org:34x8", "port"),
            ("turn:turn.example.org?transport=sctp", "?transport=udp"),
            ("turns:turn.example.org:443?transport=udp", "needs ?transport=tcp"),
            ("turn:", "host"),
            ("turn:user@turn.example.org", "host"),
            ("turn:[2001:db8::1", "unclosed"),
            ("turn:turn.example.org/path", "host"),
        ]
        for (url, problem) in bad {
            #expect(TurnURL.problem(url)?.contains(problem) == true, "\(url): \(String(describing: TurnURL.problem(url)))")
        }
    }

    func settings(_ json: String) throws -> Result<ServerSettings, ConfigErrors> {
        let dir = TemporaryDirectory()
        let path = dir.path + "/server.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return withExtendedLifetime(dir) { ServerSettingsLoader.load(path: path) }
    }

    @Test func settingsLiveInServerJSON() throws {
        let ok = try settings(#"{"turn": {"urls": ["turn:t.example.org:3478?transport=udp"], "secretFile": "turn-secret"}}"#).get()
        let turn = try #require(ok.turn)
        #expect(turn.urls == ["turn:t.example.org:3478?transport=udp"])
        #expect(turn.secretFile.hasSuffix("/turn-secret") && turn.secretFile.hasPrefix("/"), "relative to the settings file")
        #expect(turn.credentialSeconds == 3600)
        #expect(try settings("{}").get().turn == nil)

        guard case .failure(let errors) = try settings(#"""
            {"turn": {"urls": ["turn:t.example.org", "http://t.example.org", 5], "credentialSeconds": 30, "secret": "x"}}
            """#) else { Issue.record("refused"); return }
        let lines = errors.errors.map { "\($0.keyPath): \($0.rule)" }
        #expect(lines.contains(#"turn.urls[1]: must start with turn: or turns:, got "http://t.example.org""#), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("turn.urls[2]: must be a turn: or turns: URL") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("turn.secretFile:") }, "required: \(lines)")
        #expect(lines.contains { $0.hasPrefix("turn.credentialSeconds:") && $0.contains("60...86400") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("turn.secret:") && $0.contains("unknown key") }, "\(lines)")
    }

    @Test func theSecretFileIsReadWithoutEverShowingIt() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/turn-secret"
        try "  0123456789abcdef0123456789abcdef\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TurnSecretFile.read(path) == Array("0123456789abcdef0123456789abcdef".utf8), "trimmed like coturn's line")
        try "short-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TurnSecretFile.Problem.self) { try TurnSecretFile.read(path) }
        do { _ = try TurnSecretFile.read(path) } catch { #expect(!error.description.contains("short-secret")) }
        try "0123456789abcdef\n0123456789abcdef\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TurnSecretFile.Problem.self) { try TurnSecretFile.read(path) }
        #expect(throws: TurnSecretFile.Problem(description: "cannot read \(dir.path)/none")) { try TurnSecretFile.read(dir.path + "/none") }
    }

    @Test func checkConfigReadsTheSecretFileAndWarnsWhenOthersCan() throws {
        let dir = TemporaryDirectory()
        try TestServer.minimalEvent.write(toFile: dir.path + "/event.json", atomically: true, encoding: .utf8)
        let settingsPath = dir.path + "/server.json"
        try #"{"event": "event.json", "turn": {"urls": ["turn:127.0.0.1:3478?transport=udp"], "secretFile": "turn-secret"}}"#
            .write(toFile: settingsPath, atomically: true, encoding: .utf8)
        guard case .failure(let missing) = ConfigCheck.run(path: settingsPath) else { Issue.record("no secret file: refused"); return }
        #expect(missing.description == "server.json: turn.secretFile: cannot read \(dir.path)/turn-secret")

        let secret = "an-example-secret-of-32-characters"
        try secret.write(toFile: dir.path + "/turn-secret", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path + "/turn-secret")
        let ok = try ConfigCheck.run(path: settingsPath).get()
        #expect(ok.contains("TURN: short-lived credentials (3600 s, renewed at 3/4) for turn:127.0.0.1:3478?transport=udp"))
        #expect(!ok.contains("warning:") && !ok.contains(secret), "\(ok)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.path + "/turn-secret")
        #expect(try ConfigCheck.run(path: settingsPath).get().contains("warning: \(dir.path)/turn-secret is readable by its group or everyone"))
    }
}
