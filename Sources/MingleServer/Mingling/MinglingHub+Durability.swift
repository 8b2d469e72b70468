import EventLoop
import Mingling

/// The journal fails closed. Nothing is told that is not in the journal, so when a write fails (a full
/// disk, an I/O error) the command that caused it did not happen: the failed lines are cut off the file, the
/// engine is rebuilt from the file (replaying it is what a restart does anyway, so it is the state every
/// attendee was last told), and nobody hears of it. Rolling back in memory would mean copying the engine
/// before every command; rebuilding costs something only when the disk fails.
///
/// Until the journal takes writes again the hub refuses everything that would change the event with
/// `unavailable` (chat and signalling, which are relayed and never journaled, go on), the engine's clock
/// stands still, `/readyz` answers 503 and `/metrics` and the dashboard say why. Every second it tries to
/// write one line (`journal_resumed`, skipped on replay); once that works it carries on where it stopped.
/// A failed fsync is worse: what was written and told may not be on the disk. The engine holds the truth
/// then, so recovery writes all of it afresh (a compaction: the snapshot, fsynced and renamed into place).
struct Durability {
    /// Why the journal refuses writes, or nil while it takes them.
    var failure: String?
    var failedAt: Timestamp?
    var failures = 0
    /// The journal may lack what was told (a failed fsync): rewrite it from the engine before carrying on.
    var mustRewrite = false
    /// Personal data were deleted: the journal is rewritten without them after this input.
    var compactionDue = false
    var probe: UInt64?
    /// Attendees whose socket closed while the journal failed: their disconnect is recorded on recovery.
    var pendingDisconnects: [AttendeeID] = []

    static let refusal = "the server cannot save changes right now (its disk is full or failing); nothing was changed, try again shortly"
    static let probeInterval: Duration = .seconds(1)
}

extension MinglingHub {
    /// The journal would not take a write: cut back, rebuild from it, and refuse until it recovers.
    func journalFailed(_ error: FileError, now: Timestamp) {
        enterFailure("\(error)", now: now)
        rebuildFromJournal()
    }

    private func enterFailure(_ reason: String, now: Timestamp) {
        if durability.failure == nil {
            log.error("journal_failing", ["reason": reason, "note": "changes are refused until the journal takes writes again"])
            durability.failedAt = now
            durability.failures += 1
        }
        durability.failure = reason
        scheduleProbe()
    }

    /// The engine as the journal file holds it (the plan, settings and seed stay the running ones).
    private func rebuildFromJournal() {
        do {
            let contents = try Journal.read(path: journal.path)
            engine = contents.engine(plan: engine.plan, settings: engine.settings, seed: engine.seed)
        } catch {
            // Unreadable: the engine may be ahead of the disk. Refusing everything and rewriting the journal from
            // memory on recovery is the closest to the truth that is left (nothing of the failed write was told).
            log.error("journal_unreadable", ["reason": "\(error)"])
            durability.mustRewrite = true
        }
    }

    /// fsyncs the journal when due and returns when the next sync is. A failed fsync means the journal may
    /// lack what was told: changes are refused until it has been rewritten from the engine.
    @discardableResult
    func syncJournalIfDue() -> ContinuousClock.Instant? {
        do {
            return try journal.syncIfDue(now: .now)
        } catch {
            durability.mustRewrite = true
            enterFailure("\(error)", now: wallClock())
            return nil
        }
    }

    private func scheduleProbe() {
        guard durability.probe == nil else { return }
        durability.probe = loop.schedule(at: .now + Durability.probeInterval) { [unowned self] in
            self.durability.probe = nil
            self.tryToRecover()
        }
    }

    /// One line to the journal (or, after a failed fsync, the whole journal rewritten): if it works, carry on.
    func tryToRecover() {
        guard let reason = durability.failure else { return }
        let now = wallClock()
        do {
            if durability.mustRewrite {
                try journal.compact(to: SnapshotCodec.encode(engine.snapshot(), at: now))
                durability.mustRewrite = false
            } else {
                try journal.append([JournalCodec.journalResumed(at: now, after: reason)])
                try journal.sync()
            }
        } catch {
            durability.failure = "\(error)"
            scheduleProbe()
            return
        }
        let down = durability.failedAt.map { $0.milliseconds(until: now) } ?? 0
        log.info("journal_recovered", ["after_ms": "\(down)", "reason": reason])
        durability.failure = nil
        durability.failedAt = nil
        let gone = durability.pendingDisconnects
        durability.pendingDisconnects = []
        for id in gone where links[id] == nil { run(.disconnect(id), now: now, replyTo: nil, request: "disconnect") }
        presenceDirty = true
        roomsDirty = true
        forgetSnapshots()
        afterInput(now: now)
    }

    /// Refusals while the journal fails: everything that would change the event gets `unavailable`.
    func refuseWhileFailing(_ input: HubInput, reason: String, now: Timestamp) {
        switch input {
        case .message(let message, let link):
            switch message {
            case .chat, .signal, .callReport:
                // Relayed or counted, never journaled: the conversation goes on.
                handle(message, from: link, now: now)
            default:
                refuse(link, .unavailable, Durability.refusal, message.type)
            }
        case .disconnected(let link):
            guard let id = attendeeByLink.removeValue(forKey: link), links[id] == link else { return }
            links[id] = nil
            durability.pendingDisconnects.append(id)
        case .admin(_, _, let reply), .announce(_, _, _, _, let reply), .replacePlan(_, let reply):
            reply(HubRefusal(unavailable: "the journal cannot be written (\(reason)); nothing was changed"))
        }
    }

    /// Rewrites the journal as one snapshot when personal data were deleted (so they are gone from the disk
    /// too) or when it has grown far past the state it describes (reconnects add lines for ever). Also right
    /// after a start whose replayed tail was that long: what a restart replays stays bounded.
    func compactIfDue(now: Timestamp) {
        guard durability.failure == nil else { return }
        let grown = journal.linesSinceCompaction > Self.compactionThreshold(attendees: engine.allAttendees.count)
        guard durability.compactionDue || grown else { return }
        do {
            try journal.compact(to: SnapshotCodec.encode(engine.snapshot(), at: now))
            durability.compactionDue = false
            log.info("journal_compacted", ["attendees": "\(engine.allAttendees.count)", "bytes": "\(journal.sizeBytes)"])
        } catch {
            // The old journal is untouched (the rewrite is atomic); try again on recovery.
            durability.mustRewrite = true
            enterFailure("\(error)", now: now)
        }
    }

    /// Lines after the last snapshot that make a compaction due: 10 per attendee, at least 10,000. A start
    /// replays at most that many lines (scripts/crash.py prints how many each restart replayed), and a
    /// snapshot, whose size follows the attendees, is written at most once per 10 lines per attendee.
    static func compactionThreshold(attendees: Int) -> Int {
        max(compactionMinimumLines, compactionLinesPerAttendee * attendees)
    }
    static let compactionMinimumLines = 10_000
    static let compactionLinesPerAttendee = 10
}
