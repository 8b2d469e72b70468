#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import EventLoop
import Mingling
import Synchronization

/// The connection log's front: connection loops hand events to it and return at once; a
/// dedicated thread (a one-loop `LoopGroup`, whose inbox is the project's audited hand-off)
/// encodes them, batches the writes (at most `flushInterval` apart) and rotates the file. So no
/// connection loop ever waits on the disk. `close()` writes everything queued (clean shutdown).
///
/// Events wait in `pending` and reach the writer thread in batches, at most `handOffDelay` after
/// the first of a batch: waking the writer for every event cost a context switch per event (three
/// per connection; a quarter of the server's CPU in the ws handshake benchmark). A batch goes at
/// once when it reaches `handOffBatch` events: in a wave of joins, 50 ms of events (about 450 bytes
/// each, three per connection, and their strings) lay between the connections' own objects in the
/// connection loop's heap, and the holes they left when freed stayed resident (5,000 idle ws
/// connections: 1.06 KiB each, 0.80 without the log; with the cap, see docs/benchmarks.md).
final class ConnectionLog: Sendable {
    private let group: LoopGroup<ConnectionLogWriter>
    private let handle: LoopHandle<ConnectionLogWriter>
    private let pending = Locked<[ConnectionLogEvent]>([])
    let path: String
    let eventsQueued = Atomic<Int>(0)
    /// Events the writer thread has taken from `pending` (written to its file buffer).
    let eventsWritten = Atomic<Int>(0)
    static let flushInterval: Duration = .milliseconds(250)
    static let handOffDelay: Duration = .milliseconds(50)
    static let handOffBatch = 64
    /// Connections the previous server left open (an unclean stop), closed in the log at this start.
    let closedAfterUncleanStop: Int

    /// `reportFailure` hears every write, rotation and fsync failure (on the writer thread).
    init(path: String, maxFileBytes: Int, privacy: Privacy, wallClock: @escaping @Sendable () -> Timestamp,
         reportFailure: @escaping @Sendable (FileError) -> Void) throws {
        self.path = path
        // Open on this thread so a bad path is a start error, then hand the file to the writer.
        let now = wallClock()
        let file = try ConnectionLogFile(path: path, maxFileBytes: maxFileBytes, retentionDays: privacy.retentionDays,
                                         now: now)
        // Every `accepted` gets its `closed`, even after a kill -9; then this server's first line.
        closedAfterUncleanStop = try file.closeConnectionsLeftOpen(now: now)
        var started = ConnectionLogEvent(.started, at: now, connection: nil)
        started.pid = getpid()
        var noAddresses = AddressPrivacy(mode: .off)
        try file.append(started.jsonLine(privacy: &noAddresses), now: now)
        try file.flush()
        let box = Locked<ConnectionLogFile?>(file)
        var config = LoopGroupConfiguration()
        config.loops = 1
        group = try LoopGroup(configuration: config) { loop, _ in
            let file = box.withLock { f -> ConnectionLogFile? in
                let taken = f
                f = nil
                return taken
            }
            guard let file else { preconditionFailure("the connection log has one writer loop") }
            return ConnectionLogWriter(file: file, privacy: AddressPrivacy(mode: privacy.ipLogging),
                                       loop: loop, wallClock: wallClock, reportFailure: reportFailure)
        }
        handle = group.handles[0]
    }

    func record(_ event: ConnectionLogEvent) {
        eventsQueued.add(1, ordering: .relaxed)
        let count = pending.withLock { list in
            list.append(event)
            return list.count
        }
        let pending = self.pending
        if count == Self.handOffBatch {
            // Full: hand it over now (the batch's timer then finds what came after, or nothing).
            handle.execute { [weak self] _, writer in self?.writePending(pending, to: writer) }
            return
        }
        guard count == 1 else { return }
        handle.execute { [weak self] loop, writer in
            // Weak: a timer still pending when `close()` stops the loop stays in its table; a strong
            // capture would keep the writer (and its loop) alive through its own timer (found by
            // LeakSanitizer).
            _ = loop.schedule(at: .now + ConnectionLog.handOffDelay) { [weak self, weak writer] in
                guard let self, let writer else { return }
                self.writePending(pending, to: writer)
            }
        }
    }

    /// On the writer thread: writes the events waiting in `pending`, in the order recorded.
    private func writePending(_ pending: Locked<[ConnectionLogEvent]>, to writer: ConnectionLogWriter) {
        let events = pending.withLock { list -> [ConnectionLogEvent] in
            let taken = list
            list = []
            return taken
        }
        for event in events { writer.write(event) }
        eventsWritten.add(events.count, ordering: .relaxed)
    }

    /// Returns once the writer thread has run every job posted before (tests).
    func waitForWriter() {
        let done = DispatchSemaphore(value: 0)
        handle.execute { _, _ in done.signal() }
        done.wait()
    }

    /// New privacy settings (event file reloaded).
    func update(privacy: Privacy) {
        handle.execute { _, writer in
            writer.privacy.mode = privacy.ipLogging
            writer.file.retentionDays = privacy.retentionDays
        }
    }

    /// Writes what is queued and the `stopped` line, closes the file and stops the writer thread.
    /// Call after the connection loops stopped (so every `closed` line is already queued).
    func close() {
        let pending = self.pending
        group.executeOnAll { [self] loop, writer in
            self.writePending(pending, to: writer)
            writer.write(ConnectionLogEvent(.stopped, at: writer.wallClock(), connection: nil))
            writer.attempt { () throws(FileError) in try writer.file.close() }
            loop.stop()
        }
        group.join()
    }
}

/// The writer thread's state.
final class ConnectionLogWriter {
    let file: ConnectionLogFile
    var privacy: AddressPrivacy
    unowned let loop: EventLoop
    let wallClock: @Sendable () -> Timestamp
    let reportFailure: @Sendable (FileError) -> Void
    private var flushScheduled = false
    private var lastPrune: Timestamp
    /// Failures reported so far (each one is also handed to `reportFailure`).
    private(set) var failures = 0

    init(file: ConnectionLogFile, privacy: AddressPrivacy, loop: EventLoop, wallClock: @escaping @Sendable () -> Timestamp,
         reportFailure: @escaping @Sendable (FileError) -> Void) {
        self.file = file
        self.privacy = privacy
        self.loop = loop
        self.wallClock = wallClock
        self.reportFailure = reportFailure
        self.lastPrune = wallClock()
    }

    /// Runs a file operation; its failure is counted and reported, and the writer carries on.
    func attempt(_ body: () throws(FileError) -> Void) {
        do { try body() } catch {
            failures += 1
            reportFailure(error)
        }
    }

    func write(_ event: ConnectionLogEvent) {
        let now = wallClock()
        let line = event.jsonLine(privacy: &privacy)
        attempt { () throws(FileError) in try file.append(line, now: now) }
        if now.millisecondsSinceEpoch - lastPrune.millisecondsSinceEpoch > 3_600_000 {
            lastPrune = now
            attempt { () throws(FileError) in try file.prune(now: now) }
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        // Weak: `close()` drops the writer while this timer may still be due in the same pass.
        _ = loop.schedule(at: .now + ConnectionLog.flushInterval) { [weak self] in
            guard let self else { return }
            self.flushScheduled = false
            self.attempt { () throws(FileError) in try self.file.flush() }
        }
    }
}
