#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import EventLoop

/// The one file writer: bytes land whole, and every failure names its syscall and errno.
@Suite struct FileTests {
    private func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "mingle-file-test-\(UUID().uuidString)/\(name)"
    }

    @Test func appendsWholeWritesAndCreatesTheDirectory() throws {
        let path = temporaryPath("nested/log.jsonl")
        defer { try? FileManager.default.removeItem(atPath: Files.directory(of: Files.directory(of: path))) }
        let file = try AppendFile(path: path, permissions: 0o600)
        try file.write(Array("one\n".utf8))
        try file.write(Array(repeating: UInt8(ascii: "x"), count: 200_000))
        try file.sync()
        #expect(try file.size() == 200_004)
        try file.close()
        try file.close()  // a second close does nothing
        #expect(try Files.status(path)?.sizeBytes == 200_004)
        // Reopening appends after what is there.
        let again = try AppendFile(path: path, permissions: 0o600)
        try again.write(Array("two\n".utf8))
        #expect(try again.size() == 200_008)
    }

    @Test func aFullDiskIsAWriteErrorWithItsErrno() throws {
        let file = try AppendFile(path: "/dev/full", permissions: 0o600)
        #expect(throws: FileError("write", path: "/dev/full", errno: ENOSPC)) { try file.write(Array("lost\n".utf8)) }
    }

    @Test func aFailedFsyncIsReported() throws {
        // Character devices cannot be synchronised: fsync fails with EINVAL, as it would on a broken disk with EIO.
        let file = try AppendFile(path: "/dev/null", permissions: 0o600)
        try file.write(Array("fine\n".utf8))
        #expect(throws: FileError("fsync", path: "/dev/null", errno: EINVAL)) { try file.sync() }
    }

    @Test func writingAfterCloseIsRefused() throws {
        let path = temporaryPath("closed.log")
        defer { try? FileManager.default.removeItem(atPath: Files.directory(of: path)) }
        let file = try AppendFile(path: path, permissions: 0o600)
        try file.close()
        #expect(throws: FileError("write", path: path, errno: EBADF)) { try file.write(Array("late".utf8)) }
    }

    @Test func fileSystemCallsNameTheCallThePathAndErrno() throws {
        let missing = temporaryPath("missing")
        #expect(throws: FileError("truncate", path: missing, errno: ENOENT)) { try Files.truncate(missing, toBytes: 0) }
        #expect(throws: FileError("open", path: missing, errno: ENOENT)) { _ = try Files.readPrefix(missing, maxBytes: 8) }
        #expect(throws: FileError("unlink", path: missing, errno: ENOENT)) { try Files.remove(missing) }
        #expect(try Files.status(missing) == nil)
        #expect(FileError("write", path: "/var/x", errno: ENOSPC).description == "write /var/x: No space left on device (errno 28)")
    }

    @Test func readsTheStartOfASmallFile() throws {
        let bytes = try Files.readPrefix("/proc/self/statm", maxBytes: 128)
        #expect(!bytes.isEmpty && bytes.count <= 128)
        #expect(Files.directory(of: "/a/b/c.txt") == "/a/b")
        #expect(Files.directory(of: "/c.txt") == "/")
        #expect(Files.directory(of: "c.txt") == "")
    }

    /// One owner per state directory: a second lock on the file is refused naming the holder's pid,
    /// and the lock is free again once released (or once the holder's process is gone).
    @Test func aLockIsHeldOnceAndNamesItsHolder() throws {
        let path = temporaryPath("state/mingle.lock")
        defer { try? FileManager.default.removeItem(atPath: Files.directory(of: path)) }
        try Files.createDirectories(Files.directory(of: path))
        let lock = try FileLock.acquire(path)
        #expect(String(decoding: try Files.readPrefix(path, maxBytes: 32), as: UTF8.self) == "\(getpid())\n")
        #expect(throws: FileLock.Failure.held(path: path, pid: getpid())) { try FileLock.acquire(path) }
        lock.release()
        lock.release()  // a second release does nothing
        let again = try FileLock.acquire(path)
        again.release()
        #expect(throws: FileLock.Failure.self) { try FileLock.acquire("/proc/no-such-dir/mingle.lock") }
    }
}
