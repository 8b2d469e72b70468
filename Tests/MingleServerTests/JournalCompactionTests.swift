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
}
