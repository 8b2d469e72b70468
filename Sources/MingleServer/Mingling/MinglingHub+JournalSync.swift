extension MinglingHub {
    /// fsyncs the journal when due and returns when the next sync is. A failed fsync leaves the
    /// journal unsynced (the next input tries again) and is logged with its syscall and errno.
    @discardableResult
    func syncJournalIfDue() -> ContinuousClock.Instant? {
        do {
            return try journal.syncIfDue(now: .now)
        } catch {
            log.error("journal_sync_failed", ["reason": "\(error)"])
            return nil
        }
    }
}
