import EventLoop
import Foundation
import Mingling

/// The durable record of every domain event (JSON lines), written before the event is
/// announced to anyone. `write(2)` happens before delivery, so a crash of the process loses
/// nothing; `fsync` is batched (at most `syncInterval` apart), so a power loss can lose at most
/// that window. On start the journal is replayed into a fresh engine. Every write and fsync
/// reports its failure to the caller as a `FileError` (the syscall and errno).
///
/// A failed append is cut back off the file (nothing of it stays, torn or whole), so the file holds exactly
/// what was written before it. Compaction replaces the whole file, atomically, with one line holding the
/// engine's snapshot (`SnapshotCodec`); events after it are appended as before.
final class Journal {
    let path: String
    private var file: AppendFile
    /// Bytes in the file, as far as this process wrote them.
    private(set) var sizeBytes: Int
    /// Lines after the file's last snapshot: those it held when opened (the tail a restart replayed) and those
    /// appended since. Counting the opened tail too keeps a crash loop from growing the journal, and the replay
    /// that every restart does, without bound.
    private(set) var linesSinceCompaction: Int
    /// When the oldest write not yet fsynced was made: what a power loss now would lose starts there.
    private var oldestUnsynced: ContinuousClock.Instant?
    /// The power-loss window as measured: the longest a written line waited for its fsync to complete, and
    /// the longest fsync, since the start (in /metrics).
    private(set) var longestUnsyncedWait: Duration = .zero
    private(set) var longestFsync: Duration = .zero
    private var unsynced = false
    private var lastSync: ContinuousClock.Instant = .now
    let syncInterval: Duration
    private(set) var linesWritten = 0

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// `linesAfterSnapshot`: the events the file already holds after its snapshot (`Contents.events.count`).
    init(path: String, syncInterval: Duration = .milliseconds(200), linesAfterSnapshot: Int = 0) throws(FileError) {
        self.path = path
        self.syncInterval = syncInterval
        linesSinceCompaction = linesAfterSnapshot
        file = try AppendFile(path: path, permissions: 0o600)
        sizeBytes = try file.size()
    }

    deinit { try? close() }

    /// Appends lines; returns once the kernel has them. On a failure what was written of them is cut off
    /// again (if even that fails, reading the file back cuts a torn last line; whole lines of a half-written
    /// batch would then be in the journal, which is why the hub rebuilds from the file).
    func append(_ lines: [String]) throws(FileError) {
        guard !lines.isEmpty else { return }
        var bytes: [UInt8] = []
        for l in lines { bytes += l.utf8; bytes.append(10) }
        // Unsynced from the first byte on: a failed write may have left some of them in the file.
        unsynced = true
        if oldestUnsynced == nil { oldestUnsynced = .now }
        do {
            try file.write(bytes)
        } catch {
            try? Files.truncate(path, toBytes: sizeBytes)
            throw error
        }
        sizeBytes += bytes.count
        linesWritten += lines.count
        linesSinceCompaction += lines.count
    }

    /// Replaces the journal with `snapshotLine` alone (a crash leaves the old journal or the new one, never a
    /// mix), then appends after it. Everything older is gone from the disk.
    func compact(to snapshotLine: String) throws(FileError) {
        try Files.replaceAtomically(path, with: Array(snapshotLine.utf8) + [10])
        try? file.close()
        file = try AppendFile(path: path, permissions: 0o600)
        sizeBytes = try file.size()
        unsynced = false
        oldestUnsynced = nil
        lastSync = .now
        linesSinceCompaction = 0
    }

    /// fsyncs when the last sync is older than `syncInterval`; returns when the next one is due.
    @discardableResult
    func syncIfDue(now: ContinuousClock.Instant) throws(FileError) -> ContinuousClock.Instant? {
        guard unsynced else { return nil }
        if now - lastSync >= syncInterval {
            try syncNow()
            return nil
        }
        return lastSync + syncInterval
    }

    func sync() throws(FileError) {
        if unsynced { try syncNow() }
    }

    private func syncNow() throws(FileError) {
        let started = ContinuousClock.now
        try file.sync()
        let done = ContinuousClock.now
        longestFsync = max(longestFsync, done - started)
        if let oldest = oldestUnsynced { longestUnsyncedWait = max(longestUnsyncedWait, done - oldest) }
        oldestUnsynced = nil
        unsynced = false
        lastSync = done
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

    /// What a journal file holds: the snapshot of a compacted journal (nil before the first compaction) and
    /// the events after it.
    struct Contents {
        var snapshot: EngineSnapshot?
        var events: [DomainEvent]
        var tornTail: Bool

        /// The engine these rebuild, under the plan as loaded now.
        func engine(plan: EventPlan, settings: EngineSettings, seed: UInt64) -> MinglingEngine {
            var engine = snapshot.map { MinglingEngine(plan: plan, settings: settings, seed: seed, snapshot: $0) }
                ?? MinglingEngine(plan: plan, settings: settings, seed: seed)
            for event in events { engine.apply(event) }
            return engine
        }
    }

    /// Reads `path` (a missing file is an empty journal). A torn last line (a crash mid-write) is reported
    /// and skipped; a bad line elsewhere is an error naming its number. `repairTornTail: false` leaves the
    /// file alone (for readers other than the server, e.g. `mingle logs`).
    static func read(path: String, repairTornTail: Bool = true) throws(Failure) -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { return Contents(snapshot: nil, events: [], tornTail: false) }
        let text = String(decoding: data, as: UTF8.self)
        var events: [DomainEvent] = []
        var snapshot: EngineSnapshot?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var torn = false
        for (i, line) in lines.enumerated() where !line.isEmpty {
            do {
                if i == 0, SnapshotCodec.isSnapshot(line) {
                    snapshot = try SnapshotCodec.decode(line: line)
                } else if let e = try JournalCodec.decode(line) {
                    events.append(e)
                }
            } catch {
                if i == lines.count - 1 { torn = true; continue }
                throw Failure(description: "journal \(path): line \(i + 1): \(error)")
            }
        }
        if !repairTornTail {
            return Contents(snapshot: snapshot, events: events, tornTail: torn)
        }
        if torn {
            // Cut the torn line so the next append starts on a fresh line; a journal that cannot
            // be repaired is not appended to (the next line would be glued to the torn one).
            do { try Files.truncate(path, toBytes: data.lastIndex(of: 10).map { $0 + 1 } ?? 0) } catch {
                throw Failure(description: "journal \(path): cannot cut the torn last line: \(error)")
            }
        }
        return Contents(snapshot: snapshot, events: events, tornTail: torn)
    }
}
