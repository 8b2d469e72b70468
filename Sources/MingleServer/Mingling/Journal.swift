#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Mingling

/// The durable record of every domain event (JSON lines), written before the event is
/// announced to anyone. `write(2)` happens before delivery, so a crash of the process loses
/// nothing; `fsync` is batched (at most `syncInterval` apart), so a power loss can lose at most
/// that window. On start the journal is replayed into a fresh engine.
final class Journal {
    let path: String
    private var fd: Int32
    private var unsynced = false
    private var lastSync: ContinuousClock.Instant = .now
    let syncInterval: Duration
    private(set) var linesWritten = 0

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(path: String, syncInterval: Duration = .milliseconds(200)) throws(Failure) {
        self.path = path
        self.syncInterval = syncInterval
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw Failure(description: "journal \(path): cannot open for appending (errno \(errno))") }
    }

    deinit { close() }

    /// Appends lines; returns once the kernel has them.
    func append(_ lines: [String]) throws(Failure) {
        guard !lines.isEmpty else { return }
        var bytes: [UInt8] = []
        for l in lines { bytes += l.utf8; bytes.append(10) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "journal \(path): write failed (errno \(errno))")
            }
            offset += n
        }
        linesWritten += lines.count
        unsynced = true
    }

    /// fsyncs when the last sync is older than `syncInterval`; returns when the next one is due.
    @discardableResult
    func syncIfDue(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard unsynced else { return nil }
        if now - lastSync >= syncInterval {
            fsync(fd)
            unsynced = false
            lastSync = now
            return nil
        }
        return lastSync + syncInterval
    }

    func sync() {
        if unsynced { fsync(fd); unsynced = false; lastSync = .now }
    }

    /// Whether the journal can be written (for /readyz).
    var isWritable: Bool { fd >= 0 && access(path, W_OK) == 0 }

    func close() {
        if fd >= 0 { sync(); Glibc.close(fd); fd = -1 }
    }

    /// Reads every event in `path` (a missing file is an empty journal). A torn last line (a crash
    /// mid-write) is reported and skipped; a bad line elsewhere is an error naming its number.
    /// `repairTornTail: false` leaves the file alone (for readers other than the server, e.g. `mingle logs`).
    static func read(path: String, repairTornTail: Bool = true) throws(Failure) -> (events: [DomainEvent], tornTail: Bool) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], false) }
        let text = String(decoding: data, as: UTF8.self)
        var events: [DomainEvent] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var torn = false
        for (i, line) in lines.enumerated() where !line.isEmpty {
            do {
                if let e = try JournalCodec.decode(line) { events.append(e) }
            } catch {
                if i == lines.count - 1 { torn = true; continue }
                throw Failure(description: "journal \(path): line \(i + 1): \(error)")
            }
        }
        if !repairTornTail {
            return (events, torn)
        }
        if torn, let lastNewline = data.lastIndex(of: 10) {
            // Cut the torn line so the next append starts on a fresh line.
            _ = truncate(path, off_t(lastNewline + 1))
        } else if torn {
            _ = truncate(path, 0)
        }
        return (events, torn)
    }
}
