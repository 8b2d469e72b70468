import Foundation
import Mingling
import MingleTestSupport
import Testing
@testable import MingleServer

/// Rotation by size and by day, retention in days, and address privacy, all on a manual clock.
@Suite struct ConnectionLogFileTests {
    /// 2026-11-30T10:00:00Z
    static let t0 = Timestamp(secondsSinceEpoch: 1_796_032_800)

    func files(_ dir: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test func timeFormats() {
        #expect(UTCTime.format(Self.t0.adding(milliseconds: 42)) == "2026-11-30T10:00:00.042Z")
        #expect(UTCTime.compact(Self.t0) == "20261130T100000Z")
        #expect(UTCTime.parseCompact("20261130T100000Z") == Self.t0)
        #expect(UTCTime.format(Timestamp(secondsSinceEpoch: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(UTCTime.parseCompact("20000229T000000Z") == Timestamp(secondsSinceEpoch: 951_782_400))
        #expect(UTCTime.parseCompact("2026-11-30") == nil)
    }

    /// The digit-by-digit formatter against Foundation's, over random instants 1900...2200.
    @Test func timeFormatMatchesFoundation() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        reference.timeZone = TimeZone(identifier: "UTC")
        var random = SplitMix64(seed: 30)
        for _ in 0..<5_000 {
            let ms = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &random)
            let t = Timestamp(secondsSinceEpoch: 0).adding(milliseconds: ms)
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            #expect(UTCTime.format(t) == reference.string(from: date), "at \(ms) ms")
        }
    }

    @Test func rotatesBySize() throws {
        let dir = TemporaryDirectory()
        let log = try ConnectionLogFile(path: dir.path + "/connections.jsonl", maxFileBytes: 100, retentionDays: 30, now: Self.t0)
        let line = String(repeating: "x", count: 39)  // 40 bytes with the newline
        for i in 0..<5 {
            try log.append(line, now: Self.t0.adding(seconds: i))
            try log.flush()
        }
        try log.close()
        let names = files(dir)
        #expect(names == ["connections-20261130T100002Z.jsonl", "connections-20261130T100004Z.jsonl", "connections.jsonl"])
        for n in names {
            let size = (try FileManager.default.attributesOfItem(atPath: dir.path + "/" + n)[.size] as? Int) ?? 0
            #expect(size <= 100 && size > 0)
        }
    }

    @Test func rotatesAtMidnightAndAtStartForAnOldFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/connections.jsonl"
        var log: ConnectionLogFile? = try ConnectionLogFile(path: path, maxFileBytes: 1 << 20, retentionDays: 30, now: Self.t0)
        try log?.append("{\"a\":1}", now: Self.t0)
        let midnight = Timestamp(secondsSinceEpoch: 1_796_083_200)  // 2026-12-01T00:00:00Z
        try log?.append("{\"a\":2}", now: midnight.adding(seconds: 5))
        try log?.close()
        log = nil
        #expect(files(dir) == ["connections-20261201T000005Z.jsonl", "connections.jsonl"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":2}\n")
        // A file last written yesterday is rotated when the server starts today.
        var old = utimbuf(actime: 1_796_083_205, modtime: 1_796_083_205)
        utime(path, &old)
        let later = Timestamp(secondsSinceEpoch: 1_796_083_200 + 86_400 + 3600)
        let again = try ConnectionLogFile(path: path, maxFileBytes: 1 << 20, retentionDays: 30, now: later)
        try again.close()
        #expect(files(dir) == ["connections-20261201T000005Z-2.jsonl", "connections-20261201T000005Z.jsonl", "connections.jsonl"])
        #expect((try? String(contentsOfFile: path, encoding: .utf8)) == "")
    }

    @Test func deletesRotatedFilesOlderThanRetention() throws {
        let dir = TemporaryDirectory()
        for name in ["connections-20261101T100000Z.jsonl", "connections-20261125T100000Z.jsonl", "connections-20261129T235959Z.jsonl",
                     "other-20200101T000000Z.jsonl", "connections-garbage.jsonl"] {
            _ = FileManager.default.createFile(atPath: dir.path + "/" + name, contents: Data("x\n".utf8))
        }
        let log = try ConnectionLogFile(path: dir.path + "/connections.jsonl", maxFileBytes: 1 << 20, retentionDays: 7, now: Self.t0)
        #expect(files(dir) == ["connections-20261125T100000Z.jsonl", "connections-20261129T235959Z.jsonl", "connections-garbage.jsonl",
                               "connections.jsonl", "other-20200101T000000Z.jsonl"])
        log.retentionDays = 1
        try log.prune(now: Self.t0)
        #expect(files(dir) == ["connections-20261129T235959Z.jsonl", "connections-garbage.jsonl", "connections.jsonl",
                               "other-20200101T000000Z.jsonl"])
        try log.prune(now: Self.t0.adding(seconds: 86_400 * 3))
        #expect(!files(dir).contains("connections-20261129T235959Z.jsonl"))
        try log.close()
    }

    @Test func addressPrivacy() {
        var full = AddressPrivacy(mode: .full)
        #expect(full.show("203.0.113.57", at: Self.t0) == "203.0.113.57")
        var off = AddressPrivacy(mode: .off)
        #expect(off.show("203.0.113.57", at: Self.t0) == nil)
        #expect(AddressPrivacy.truncate("203.0.113.57") == "203.0.113.0")
        #expect(AddressPrivacy.truncate("10.0.0.0") == "10.0.0.0")
        #expect(AddressPrivacy.truncate("255.255.255.255") == "255.255.255.0")
        #expect(AddressPrivacy.truncate("1.2.3.04") == "invalid")
        #expect(AddressPrivacy.truncate("1.2.3") == "invalid")
        #expect(AddressPrivacy.truncate("::ffff:198.51.100.7") == "::")
        #expect(AddressPrivacy.truncate("2001:db8:1:2:3:4:5:6") == "2001:db8:1::")
        #expect(AddressPrivacy.truncate("not an address") == "invalid")
        var salts: [UInt8] = [1, 2, 3]
        var hashed = AddressPrivacy(mode: .hashed, makeSalt: {
            defer { salts = salts.map { $0 &+ 1 } }
            return salts
        })
        let a = hashed.show("203.0.113.57", at: Self.t0)
        #expect(a == hashed.show("203.0.113.57", at: Self.t0.adding(seconds: 3600)), "stable within a day")
        #expect(a != hashed.show("203.0.113.58", at: Self.t0))
        #expect(a != hashed.show("203.0.113.57", at: Self.t0.adding(seconds: 86_400)), "a new salt every day")
        #expect(a?.hasPrefix("h:") == true && a?.count == 18 && a?.contains("203") == false)
    }

    @Test func eventLinesAreBoundedAndEscaped() {
        var e = ConnectionLogEvent(.request, at: Self.t0, connection: 255)
        e.userAgent = String(repeating: "a", count: 10_000)
        e.path = "/x\"\n"
        var p = AddressPrivacy(mode: .full)
        let line = e.jsonLine(privacy: &p)
        #expect(line.count < 400)
        #expect(line.hasPrefix("{\"time\":\"2026-11-30T10:00:00.000Z\",\"event\":\"request\",\"conn\":\"ff\""))
        #expect(line.contains("\"path\":\"/x\\\"\\n\""))
    }
}

@Suite struct AdminSettingsTests {
    func load(_ json: String) -> Result<ServerSettings, ConfigErrors> {
        let dir = TemporaryDirectory()
        let path = dir.path + "/server.json"
        _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        return ServerSettingsLoader.load(path: path)
    }

    @Test func connectionLogAndProxyKeys() throws {
        let s = try load("""
        { "stateDirectory": "/srv/m", "connectionLog": { "path": "/var/log/mingle/c.jsonl", "maxFileBytes": 1048576 },
          "proxy": { "forwardedForHeader": "X-Real-IP" }, "metricsPublic": true, "listen": { "tls": false } }
        """).get()
        #expect(s.resolvedConnectionLogPath == "/var/log/mingle/c.jsonl" && s.connectionLogMaxFileBytes == 1_048_576)
        #expect(s.forwardedForHeader == "X-Real-IP" && s.metricsPublic)
        #expect(try load("{ \"stateDirectory\": \"/srv/m\" }").get().resolvedConnectionLogPath == "/srv/m/connections.jsonl")
        #expect(try load("{ \"connectionLog\": { \"enabled\": false } }").get().resolvedConnectionLogPath == nil)
        guard case .failure(let e) = load("{ \"proxy\": { \"forwardedForHeader\": \"X Forwarded\" }, \"connectionLog\": { \"maxFileBytes\": 10 } }") else {
            Issue.record("bad keys accepted")
            return
        }
        #expect(e.errors.count == 2)
    }
}
