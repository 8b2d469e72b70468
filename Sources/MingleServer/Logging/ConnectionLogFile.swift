#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Mingling

/// The connection log's file: appends lines, rotates by size and by UTC day, and deletes rotated
/// files older than the retention period. Time is passed in (`now`), so rotation and retention
/// are tested with a manual clock. Not thread-safe: one writer thread owns it.
///
/// Files: the active file is `path` (e.g. `var/connections.jsonl`); a rotated one is renamed to
/// `connections-20261130T091502Z.jsonl` (the time of rotation, so the name sorts by age and says
/// when its last line was written). Retention compares that time with `now`.
final class ConnectionLogFile {
    let path: String
    let maxFileBytes: Int
    var retentionDays: Int
    private var fd: Int32 = -1
    private var fileBytes = 0
    private var fileDay: Int64
    private var pending: [UInt8] = []
    private(set) var rotations = 0

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Opens (or creates) `path`. An existing file last written on an earlier day is rotated first.
    init(path: String, maxFileBytes: Int, retentionDays: Int, now: Timestamp) throws(Failure) {
        self.path = path
        self.maxFileBytes = maxFileBytes
        self.retentionDays = retentionDays
        self.fileDay = ISOTime.day(now)
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var st = stat()
        if stat(path, &st) == 0 {
            let modified = Timestamp(secondsSinceEpoch: Int64(st.st_mtim.tv_sec))
            if ISOTime.day(modified) < fileDay, st.st_size > 0 { rename(to: rotatedPath(at: modified)) }
        }
        try openFile()
        prune(now: now)
    }

    deinit { close() }

    /// Queues a line; it reaches the file on `flush` (or when the buffer passes 64 KiB).
    func append(_ line: String, now: Timestamp) {
        if ISOTime.day(now) != fileDay || (fileBytes + pending.count > 0 && fileBytes + pending.count + line.utf8.count + 1 > maxFileBytes) {
            rotate(now: now)
        }
        pending += line.utf8
        pending.append(10)
        if pending.count >= 64 * 1024 { flush() }
    }

    /// Writes the queued lines (one write(2) for the batch).
    func flush() {
        guard !pending.isEmpty, fd >= 0 else { return }
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                break  // Disk full or gone: the lines are dropped, the server keeps serving.
            }
            offset += n
        }
        fileBytes += offset
        pending.removeAll(keepingCapacity: pending.capacity <= 256 * 1024)
    }

    /// Closes the current file under a dated name and starts a new one.
    func rotate(now: Timestamp) {
        flush()
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        if fileBytes > 0 || fileSize() > 0 { rename(to: rotatedPath(at: now)) }
        fileDay = ISOTime.day(now)
        rotations += 1
        try? openFile()
        prune(now: now)
    }

    /// Deletes rotated files whose rotation time is more than `retentionDays` before `now`.
    func prune(now: Timestamp) {
        let cutoff = now.adding(seconds: -retentionDays * 86_400)
        for (file, rotatedAt) in rotatedFiles() where rotatedAt < cutoff {
            unlink(directory + "/" + file)
        }
    }

    /// Rotated files next to the active one, with the time in their names, oldest first.
    func rotatedFiles() -> [(name: String, rotatedAt: Timestamp)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (String, Timestamp)? in
            guard name.hasPrefix(stem + "-"), name.hasSuffix(suffix) else { return nil }
            let stamp = name.dropFirst(stem.count + 1).dropLast(suffix.count).prefix(16)
            guard let t = Self.parseCompact(String(stamp)) else { return nil }
            return (name, t)
        }.sorted { $0.1 < $1.1 }
    }

    func close() {
        flush()
        if fd >= 0 { fsync(fd); Glibc.close(fd); fd = -1 }
    }

    // MARK: Names

    private var directory: String {
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
        var candidate = directory + "/" + stem + "-" + ISOTime.compact(t) + suffix
        var n = 1
        while access(candidate, F_OK) == 0 {
            n += 1
            candidate = directory + "/" + stem + "-" + ISOTime.compact(t) + "-\(n)" + suffix
        }
        return candidate
    }

    private func rename(to target: String) {
        _ = Glibc.rename(path, target)
    }

    private func fileSize() -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    private func openFile() throws(Failure) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        if fd < 0 { throw Failure(description: "connection log \(path): cannot open for appending (errno \(errno))") }
        fileBytes = fileSize()
    }

    /// "20261130T091502Z" -> the time it names.
    static func parseCompact(_ s: String) -> Timestamp? {
        let b = Array(s.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? { Int(String(decoding: b[r], as: UTF8.self)) }
        guard let y = num(0..<4), let m = num(4..<6), let d = num(6..<8), let hh = num(9..<11), let mm = num(11..<13),
              let ss = num(13..<15), (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Timestamp(secondsSinceEpoch: Int64(days) * 86_400 + Int64(hh * 3600 + mm * 60 + ss))
    }
}
