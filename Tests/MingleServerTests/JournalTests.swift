import EventLoop
import Foundation
import Mingling
import Testing
@testable import MingleServer

/// The journal's I/O: failures reach the caller as typed errors, and a torn last line (a crash
/// mid-write) is cut on start so the next append begins on a fresh line.
@Suite struct JournalTests {
    static let joined = JournalCodec.encode(.joiningPaused(at: Timestamp(secondsSinceEpoch: 1_796_032_800)),
                                            at: Timestamp(secondsSinceEpoch: 1_796_032_800))

    @Test func aWriteThatFailsIsThrownWithItsSyscallAndErrno() throws {
        let journal = try Journal(path: "/dev/full")
        #expect(throws: FileError("write", path: "/dev/full", errno: ENOSPC)) { try journal.append([Self.joined]) }
        #expect(journal.linesWritten == 0)
    }

    @Test func aFailedFsyncIsThrownAndTheJournalStaysUnsynced() throws {
        let journal = try Journal(path: "/dev/null", syncInterval: .zero)
        try journal.append([Self.joined])
        #expect(throws: FileError("fsync", path: "/dev/null", errno: EINVAL)) { try journal.syncIfDue(now: .now) }
        // Still unsynced: the next attempt tries (and fails) again rather than forgetting.
        #expect(throws: FileError("fsync", path: "/dev/null", errno: EINVAL)) { try journal.syncIfDue(now: .now) }
    }

    @Test func aTornLastLineIsDroppedAndCutSoTheNextAppendStartsClean() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/journal.jsonl"
        let whole = Self.joined + "\n"
        try (whole + whole + "{\"at\":17960328").write(toFile: path, atomically: true, encoding: .utf8)
        let read = try Journal.read(path: path)
        #expect(read.tornTail)
        #expect(read.events.count == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == whole + whole)
        let journal = try Journal(path: path)
        try journal.append([Self.joined])
        try journal.close()
        let again = try Journal.read(path: path)
        #expect(!again.tornTail)
        #expect(again.events.count == 3)
    }

    @Test func readingWithoutRepairLeavesTheFileAlone() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/journal.jsonl"
        let content = Self.joined + "\n{\"at\":1"
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        let read = try Journal.read(path: path, repairTornTail: false)
        #expect(read.tornTail && read.events.count == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
    }

    @Test func aTornOnlyLineEmptiesTheFileAndABadMiddleLineIsAnError() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/journal.jsonl"
        try "{\"at\":1".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Journal.read(path: path).events.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "")
        try ("garbage\n" + Self.joined + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: Journal.Failure.self) { try Journal.read(path: path) }
        #expect(try Journal.read(path: dir.path + "/missing.jsonl").events.isEmpty)
    }
}
