import EventLoop
import Foundation
import Mingling

/// The connection log's file: appends lines, rotates by size and by UTC day, and deletes rotated
/// files older than the retention period. Time is passed in (`now`), so rotation and retention
/// are tested with a manual clock. Not thread-safe: one writer thread owns it.
///
/// Files: the active file is `path` (e.g. `var/connections.jsonl`); a rotated one is renamed to
/// `connections-20261130T091502Z.jsonl` (the time of rotation, so the name sorts by age and says
/// when its last line was written). Retention compares that time with `now`.
///
/// The log is best effort, but never silently: every write, rename, unlink and fsync failure is
/// thrown as a `FileError` (the batch that failed is dropped, so a full disk cannot grow memory).
final class ConnectionLogFile {
    let path: String
    let maxFileBytes: Int
    var retentionDays: Int
    private var file: AppendFile?
    private var fileBytes = 0
    private var fileDay: Int64
    private var pending: [UInt8] = []
    private(set) var rotations = 0

    /// Opens (or creates) `path`. An existing file last written on an earlier day is rotated first.
    init(path: String, maxFileBytes: Int, retentionDays: Int, now: Timestamp) throws(FileError) {
        self.path = path
        self.maxFileBytes = maxFileBytes
        self.retentionDays = retentionDays
        self.fileDay = UTCTime.day(now)
        if let existing = try Files.status(path) {
            let modified = Timestamp(secondsSinceEpoch: existing.modifiedSecondsSinceEpoch)
            if UTCTime.day(modified) < fileDay, existing.sizeBytes > 0 { try Files.rename(path, to: rotatedPath(at: modified)) }
        }
        try openFile()
        try prune(now: now)
    }

    deinit { try? close() }

    /// Queues a line; it reaches the file on `flush` (or when the buffer passes 64 KiB).
    func append(_ line: String, now: Timestamp) throws(FileError) {
        if UTCTime.day(now) != fileDay || (fileBytes + pending.count > 0 && fileBytes + pending.count + line.utf8.count + 1 > maxFileBytes) {
            try rotate(now: now)
        }
        pending += line.utf8
        pending.append(10)
        if pending.count >= 64 * 1024 { try flush() }
    }

    /// Queues bytes as they are (recovery ends a torn last line with them).
    func appendRaw(_ bytes: [UInt8]) {
        pending += bytes
    }

    /// Writes the queued lines (one write(2) for the batch). On failure the batch is dropped.
    func flush() throws(FileError) {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: pending.capacity <= 256 * 1024) }
        guard let file else { throw FileError("write", path: path, errno: EBADF) }
        try file.write(pending)
        fileBytes += pending.count
    }

    /// Closes the current file under a dated name and starts a new one.
    func rotate(now: Timestamp) throws(FileError) {
        var firstFailure: FileError?
        do { try flush() } catch { firstFailure = error }
        do { try file?.close() } catch { firstFailure = firstFailure ?? error }
        file = nil
        let onDisk = try Files.status(path)?.sizeBytes ?? 0
        if fileBytes > 0 || onDisk > 0 { try Files.rename(path, to: rotatedPath(at: now)) }
        fileDay = UTCTime.day(now)
        rotations += 1
        try openFile()
        try prune(now: now)
        if let firstFailure { throw firstFailure }
    }

    /// Deletes rotated files whose rotation time is more than `retentionDays` before `now`; every
    /// file is tried, the first failure is thrown.
    func prune(now: Timestamp) throws(FileError) {
        let cutoff = now.adding(seconds: -retentionDays * 86_400)
        var firstFailure: FileError?
        for (name, rotatedAt) in rotatedFiles() where rotatedAt < cutoff {
            do { try Files.remove(directory + "/" + name) } catch { firstFailure = firstFailure ?? error }
        }
        if let firstFailure { throw firstFailure }
    }

    /// Rotated files next to the active one, with the time in their names, oldest first.
    func rotatedFiles() -> [(name: String, rotatedAt: Timestamp)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (String, Timestamp)? in
            guard name.hasPrefix(stem + "-"), name.hasSuffix(suffix) else { return nil }
            let stamp = name.dropFirst(stem.count + 1).dropLast(suffix.count).prefix(16)
            guard let t = UTCTime.parseCompact(String(stamp)) else { return nil }
            return (name, t)
        }.sorted { $0.1 < $1.1 }
    }

    /// Writes what is queued, fsyncs and closes; the first failure is thrown, the file closed anyway.
    func close() throws(FileError) {
        guard let file else { return }
        do {
            try flush()
            try file.sync()
        } catch {
            self.file = nil
            try? file.close()
            throw error
        }
        self.file = nil
        try file.close()
    }

    // MARK: Names

    var directory: String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }
    private var fileName: String { (path as NSString).lastPathComponent }
    private var suffix: String {
        let ext = (fileName as NSString).pathExtension
        return ext.isEmpty ? "" : "." + ext
    }
    private var stem: String { String(fileName.dropLast(suffix.count)) }

    private func rotatedPath(at t: Timestamp) -> String {
        var candidate = directory + "/" + stem + "-" + UTCTime.compact(t) + suffix
        var n = 1
        while Files.exists(candidate) {
            n += 1
            candidate = directory + "/" + stem + "-" + UTCTime.compact(t) + "-\(n)" + suffix
        }
        return candidate
    }

    private func openFile() throws(FileError) {
        let opened = try AppendFile(path: path, permissions: 0o640)
        file = opened
        fileBytes = try opened.size()
    }
}
