#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Mingling
import Testing
@testable import MingleServer

/// Issue 12.9: after an unclean stop the next start closes, in the log, every connection the stopped
/// server left open (`closedBy: "crash"`, at the time of its last line), so every `accepted` has its
/// `closed` and `mingle logs summary` counts the sessions.
@Suite struct ConnectionLogRecoveryTests {
    /// Two runs: the first stopped cleanly, the second was killed with a WebSocket attendee and an HTTP
    /// connection open, the last line torn by a power loss. Connection ids repeat across runs.
    static let crashedLog = """
    {"time":"2026-11-30T08:00:00.000Z","event":"started","pid":100}
    {"time":"2026-11-30T08:00:01.000Z","event":"accepted","conn":"1","remote":"198.51.100.0","listener":"tls"}
    {"time":"2026-11-30T08:00:01.100Z","event":"closed","conn":"1","closedBy":"client","durationMs":100}
    {"time":"2026-11-30T08:10:00.000Z","event":"stopped"}
    {"time":"2026-11-30T09:00:00.000Z","event":"started","pid":200}
    {"time":"2026-11-30T09:00:01.000Z","event":"accepted","conn":"1","listener":"tls"}
    {"time":"2026-11-30T09:00:01.020Z","event":"upgrade","conn":"1","path":"/ws","status":101,"userAgent":"x \\"event\\":\\"stopped\\""}
    {"time":"2026-11-30T09:00:01.030Z","event":"joined","conn":"1","attendee":7,"room":"plenary"}
    {"time":"2026-11-30T09:00:02.000Z","event":"accepted","conn":"100000000000001","listener":"tls"}
    {"time":"2026-11-30T09:00:02.010Z","event":"request","conn":"100000000000001","path":"/healthz","status":200}
    {"time":"2026-11-30T09:00:03.000Z","event":"accepted","conn":"2","listener":"tls"}
    {"time":"2026-11-30T09:00:03.010Z","event":"upgrade","conn":"2","path":"/ws","status":403}
    {"time":"2026-11-30T09:00:03.020Z","event":"closed","conn":"2","closedBy":"server","durationMs":20}
    {"time":"2026-11-30T09:05:00.500Z","event":"room","conn":"1","attendee":7}
    {"time":"2026-11-30T09:05:00.7
    """

    static let closures = """
    {"time":"2026-11-30T09:05:00.500Z","event":"closed","conn":"1","attendee":7,"closedBy":"crash","code":1006,"durationMs":299500}
    {"time":"2026-11-30T09:05:00.500Z","event":"closed","conn":"100000000000001","closedBy":"crash","durationMs":298500}

    """

    static let restartedAt = Timestamp(secondsSinceEpoch: 1_796_029_560)  // 2026-11-30T09:06:00Z

    static func lines(_ text: String) -> [ConnectionLogRecovery.Line] {
        text.split(separator: "\n").compactMap(ConnectionLogRecovery.parse)
    }

    static func open(_ path: String, at now: Timestamp = restartedAt) throws -> ConnectionLog {
        try ConnectionLog(path: path, maxFileBytes: 1 << 20, privacy: Privacy(), wallClock: { now },
                          reportFailure: { failure in Issue.record("\(failure)") })
    }

    @Test func theLinesAConnectionLeftOpenAreClosedAtTheLastTimeWritten() {
        var privacy = AddressPrivacy(mode: .off)
        let closed = ConnectionLogRecovery.closures(for: Self.lines(Self.crashedLog))
        #expect(closed.map { $0.jsonLine(privacy: &privacy) + "\n" }.joined() == Self.closures)
    }

    @Test func linesAreReadWithoutBeingFooledByFreeText() {
        let upgrade = Self.crashedLog.split(separator: "\n")[6]
        #expect(ConnectionLogRecovery.parse(upgrade) == .init(time: Timestamp(millisecondsSinceEpoch: 1_796_029_201_020), event: "upgrade",
                                                              connection: "1", attendee: nil, status: 101))
        #expect(ConnectionLogRecovery.parse(#"{"time":"2026-11-30T09:05:00.7"#) == nil, "a torn line")
        #expect(ConnectionLogRecovery.parse("not json") == nil)
    }

    /// Logs written before recovery existed: no markers, and an id accepted again while its earlier
    /// connection was never closed. The leftover closes at the last time before the new one.
    @Test func leftoversOfOlderUnrecoveredRunsAreClosedToo() {
        let log = """
        {"time":"2026-11-30T08:00:01.000Z","event":"accepted","conn":"1"}
        {"time":"2026-11-30T08:00:02.000Z","event":"accepted","conn":"3"}
        {"time":"2026-11-30T08:30:00.000Z","event":"request","conn":"3","status":200}
        {"time":"2026-11-30T09:00:01.000Z","event":"accepted","conn":"1"}
        {"time":"2026-11-30T09:00:01.500Z","event":"closed","conn":"1","closedBy":"client"}
        {"time":"2026-11-30T09:10:00.000Z","event":"started","pid":300}
        {"time":"2026-11-30T09:10:01.000Z","event":"accepted","conn":"3"}
        {"time":"2026-11-30T09:10:02.000Z","event":"request","conn":"3","status":200}
        """
        let closed = ConnectionLogRecovery.closures(for: Self.lines(log))
        #expect(closed.map(\.connection) == [1, 3, 3])
        // 08:30:00 (the last line before "1" came back), 09:00:01.5 (the last before the marker), 09:10:02 (the end).
        #expect(closed.map(\.at.millisecondsSinceEpoch) == [1_796_027_400_000, 1_796_029_201_500, 1_796_029_802_000])
        #expect(closed.allSatisfy { $0.closedBy == "crash" })
    }

    /// The whole start: the torn line is ended, the closures written, then this server's `started`;
    /// the summary counts the crashed attendee's session; a clean stop leaves nothing to recover.
    @Test func aStartAfterACrashClosesWhatWasLeftOpenAndTheSummaryAddsUp() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/connections.jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: Data(Self.crashedLog.utf8))
        let log = try Self.open(path)
        #expect(log.closedAfterUncleanStop == 2)
        log.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == Self.crashedLog + "\n" + Self.closures
                + "{\"time\":\"2026-11-30T09:06:00.000Z\",\"event\":\"started\",\"pid\":\(getpid())}\n"
                + "{\"time\":\"2026-11-30T09:06:00.000Z\",\"event\":\"stopped\"}\n")

        let summary = try LogSummary.make(logFiles: [path], journal: nil)
        #expect(summary.connections == 4 && summary.neverClosed == 0)
        #expect(summary.closedBy == ["client": 1, "server": 1, "crash": 2])
        #expect(summary.medianSessionSeconds == 299, "the crashed attendee's session counts, to the last line written")
        #expect(summary.unreadableLines == 1, "the torn line, on a line of its own")

        // Stopped cleanly: nothing to close at the next start.
        let again = try Self.open(path, at: Self.restartedAt.adding(seconds: 60))
        #expect(again.closedAfterUncleanStop == 0)
        again.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(text))
        #expect(try LogSummary.make(logFiles: [path], journal: nil).neverClosed == 0)
    }

    /// The stopped server's run began before the last rotation: its `started` line and some of its
    /// connections are in a rotated file, which recovery reads too (newest first, back to `started`).
    @Test func aRunThatSpansARotationIsRecoveredWhole() throws {
        let dir = TemporaryDirectory()
        let rotated = dir.path + "/connections-20261130T090200Z.jsonl"
        let active = dir.path + "/connections.jsonl"
        let older = dir.path + "/connections-20261130T080000Z.jsonl"
        _ = FileManager.default.createFile(atPath: older, contents: Data("""
        {"time":"2026-11-30T07:00:00.000Z","event":"accepted","conn":"9"}

        """.utf8))
        _ = FileManager.default.createFile(atPath: rotated, contents: Data("""
        {"time":"2026-11-30T09:00:00.000Z","event":"started","pid":200}
        {"time":"2026-11-30T09:00:01.000Z","event":"accepted","conn":"5"}
        {"time":"2026-11-30T09:00:01.030Z","event":"joined","conn":"5","attendee":3}

        """.utf8))
        _ = FileManager.default.createFile(atPath: active, contents: Data("""
        {"time":"2026-11-30T09:02:01.000Z","event":"accepted","conn":"6"}
        {"time":"2026-11-30T09:03:00.000Z","event":"request","conn":"6","status":200}

        """.utf8))
        let log = try Self.open(active)
        log.close()
        #expect(log.closedAfterUncleanStop == 2, "conn 9 belongs to a run before the marker: not read")
        let summary = try LogSummary.make(logFiles: [rotated, active], journal: nil)
        #expect(summary.neverClosed == 0 && summary.closedBy == ["crash": 2])
    }
}
