import EventLoop
import Foundation
import Mingling
import Testing
@testable import MingleServer

/// Compaction replaces the journal with one snapshot line, atomically; the events appended after it and the
/// snapshot rebuild the same engine as the full journal did.
@Suite struct JournalCompactionTests {
    static let t = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func run(_ engine: inout MinglingEngine, _ commands: [Command], at: Timestamp) -> [DomainEvent] {
        commands.flatMap { (try? engine.handle($0, now: at).events) ?? [] }
    }

    @Test func aSnapshotAndItsTailRebuildTheEngine() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/journal.jsonl"
        let plan = ReplayPropertyTests.plan
        var engine = MinglingEngine(plan: plan, seed: 9)
        let journal = try Journal(path: path)
        let people = (1...6).map { n in
            Command.register(Profile(displayName: "P\(n)", attributes: ["region": n % 2 == 0 ? "viken" : "madrid"],
                                     contactCard: ContactCard(email: "p\(n)@example.org")), accessCode: nil, room: "a")
        }
        var events = Self.run(&engine, people + [.admin(.startMingling("a", "a1"))], at: Self.t)
        try journal.append(events.map { JournalCodec.encode($0, at: Self.t) })
        let before = try Journal.read(path: path)
        #expect(before.snapshot == nil && before.events.count == events.count)
        try journal.compact(to: SnapshotCodec.encode(engine.snapshot(), at: Self.t))
        #expect(journal.linesSinceCompaction == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1 && !FileManager.default.fileExists(atPath: path + ".tmp"))
        events = Self.run(&engine, [.leaveBreakout(AttendeeID(1)), .enterRoom(AttendeeID(2), "b")], at: Self.t.adding(seconds: 5))
        try journal.append(events.map { JournalCodec.encode($0, at: Self.t.adding(seconds: 5)) })
        let after = try Journal.read(path: path)
        #expect(after.snapshot != nil && after.events.count == events.count)
        #expect(after.engine(plan: plan, settings: EngineSettings(), seed: 9) == engine)
        try journal.close()
    }

    @Test func aFailedAppendLeavesNothingOfItInTheFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/journal.jsonl"
        let journal = try Journal(path: path)
        try journal.append([JournalCodec.encode(.joiningPaused(at: Self.t), at: Self.t)])
        let size = try #require(try Files.status(path)).sizeBytes
        try journal.close()
        // The descriptor is gone: the next write fails, and the file keeps exactly what it had.
        #expect(throws: FileError.self) { try journal.append([JournalCodec.encode(.joiningResumed(at: Self.t), at: Self.t)]) }
        #expect(try Files.status(path)?.sizeBytes == size)
    }

    /// A crash loop restarts before the journal reaches its threshold again and again: the lines a start
    /// replays count towards the next compaction, and a start that replayed more than the threshold compacts
    /// at once, so what a restart replays stays bounded (it grew by every restart's reconnects before).
    @Test func aStartAfterALongTailCompactsItAtOnce() throws {
        let s = try RoomsFixture.server()
        s.stop()
        let path = s.settings.stateDirectory + "/journal.jsonl"
        let threshold = MinglingHub.compactionThreshold(attendees: 0)
        let journal = try Journal(path: path)
        let lines = (0...threshold).map { i in
            let at = Self.t.adding(seconds: i)
            return JournalCodec.encode(i % 2 == 0 ? .joiningPaused(at: at) : .joiningResumed(at: at), at: at)
        }
        try journal.append(lines)
        try journal.close()
        #expect(try Journal.read(path: path).events.count > threshold)
        let restarted = try s.restart()
        defer { restarted.stop() }
        // The hub answers only once its start (replay, recovery, compaction) is done.
        _ = try RoomsFixture.get(restarted, "/api/status")
        let after = try Journal.read(path: path)
        #expect(after.snapshot != nil && after.events.count < 10, "compacted at start: the snapshot and what followed it")
        #expect(restarted.logLines.all.contains { $0.contains("journal_compacted") })
    }

    @Test func theReplayedTailCountsTowardsTheNextCompaction() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/journal.jsonl"
        let journal = try Journal(path: path, linesAfterSnapshot: 7)
        #expect(journal.linesSinceCompaction == 7)
        try journal.append([JournalCodec.encode(.joiningPaused(at: Self.t), at: Self.t)])
        #expect(journal.linesSinceCompaction == 8)
        try journal.close()
    }
}
