import EventLoop
import Foundation
import Mingling

/// The durable record of every domain event (JSON lines), written before the event is
/// announced to anyone. `write(2)` happens before delivery, so a crash of the process loses
/// nothing; `fsync` is batched (at most `syncInterval` apart), so a power loss can lose at most
/// that window. On start the journal is replayed into a fresh engine. Every write and fsync
/// reports its failure to the caller as a `FileError` (the syscall and errno).
final class Journal {
    let path: String
    private let file: AppendFile
    private var unsynced = false
    private var lastSync: ContinuousClock.Instant = .now
    let syncInterval: Duration
    private(set) var linesWritten = 0

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(path: String, syncInterval: Duration = .milliseconds(200)) throws(FileError) {
        self.path = path
        self.syncInterval = syncInterval
        file = try AppendFile(path: path, permissions: 0o600)
    }

    deinit { try? close() }

    /// Appends lines; returns once the kernel has them.
    func append(_ lines: [String]) throws(FileError) {
        guard !lines.isEmpty else { return }
        var bytes: [UInt8] = []
        for l in lines { bytes += l.utf8; bytes.append(10) }
        // Unsynced from the first byte on: a failed write may have left some of them in the file.
        unsynced = true
        try file.write(bytes)
        linesWritten += lines.count
    }

    /// fsyncs when the last sync is older than `syncInterval`; returns when the next one is due.
    @discardableResult
    func syncIfDue(now: ContinuousClock.Instant) throws(FileError) -> ContinuousClock.Instant? {
        guard unsynced else { return nil }
        if now - lastSync >= syncInterval {
            try file.sync()
            unsynced = false
            lastSync = now
            return nil
        }
        return lastSync + syncInterval
    }

    func sync() throws(FileError) {
        if unsynced { try file.sync(); unsynced = false; lastSync = .now }
    }

    /// Whether the journal can be written (for /readyz).
    var isWritable: Bool { file.isOpen && Files.isWritable(path) }

    /// Syncs and closes; the sync's or the close's failure is the caller's to report.
    func close() throws(FileError) {
        guard file.isOpen else { return }
        defer { try? file.close() }
        try sync()
        try file.close()
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
        if torn {
            // Cut the torn line so the next append starts on a fresh line; a journal that cannot
            // be repaired is not appended to (the next line would be glued to the torn one).
            do { try Files.truncate(path, toBytes: data.lastIndex(of: 10).map { $0 + 1 } ?? 0) } catch {
                throw Failure(description: "journal \(path): cannot cut the torn last line: \(error)")
            }
        }
        return (events, torn)
    }
}
