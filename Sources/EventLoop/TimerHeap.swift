/// A binary min-heap of deadlines. Entries are never removed early: a fired entry is
/// checked against its owner's current deadline and ignored when stale (lazy deletion),
/// which keeps re-arming a deadline O(log n) with no search.
///
/// Deadlines are kept as whole nanoseconds after a process-wide origin (`due`), rounded up, so
/// an entry is never due before its instant. `ContinuousClock.Instant` is not a frozen type: every
/// copy and comparison of one inside the sift loops went through the Swift runtime (the heap was
/// 13% of a WebSocket handshake's instructions under callgrind); an `Int64` is one instruction.
struct TimerHeap {
    /// 16 bytes: every open WebSocket keeps one entry (its keepalive deadline) in the heap.
    struct Entry {
        /// Nanoseconds after `TimerHeap.origin`, rounded up.
        var due: Int64
        /// The token (56 bits: connection and task ids stay below 2^56) and the kind (8 bits).
        private var tokenAndKind: UInt64

        static let tokenMask: UInt64 = (1 << 56) - 1

        init(due: Int64, token: UInt64, kind: UInt8) {
            precondition(token <= Self.tokenMask, "timer tokens are 56 bits")
            self.due = due
            tokenAndKind = token | UInt64(kind) << 56
        }

        var token: UInt64 { tokenAndKind & Self.tokenMask }
        var kind: UInt8 { UInt8(truncatingIfNeeded: tokenAndKind >> 56) }
    }

    /// What `due` values count from: the first use in the process. A static rather than a stored
    /// property: a stored instant made the heap a type the runtime copies field by field.
    static let origin = ContinuousClock.now

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var first: Entry? { entries.first }
    var count: Int { entries.count }

    /// `instant` in the heap's time, rounded up: the entry's instant is at or before `instant(due)`.
    static func due(_ instant: ContinuousClock.Instant) -> Int64 {
        let (nanoseconds, remainder) = nanoseconds(instant - origin)
        return remainder > 0 ? nanoseconds + 1 : nanoseconds
    }

    /// `now` in the heap's time, rounded down: an entry with `due <= elapsed(now)` is due at `now`.
    static func elapsed(_ now: ContinuousClock.Instant) -> Int64 {
        let (nanoseconds, remainder) = nanoseconds(now - origin)
        return remainder < 0 ? nanoseconds - 1 : nanoseconds
    }

    /// The instant of a `due` value.
    static func instant(_ due: Int64) -> ContinuousClock.Instant { origin + .nanoseconds(due) }

    /// Whole nanoseconds of `d` (truncated towards zero) and the attoseconds left, clamped to about
    /// ±146 years (a deadline further away never fires in a process's life either way).
    private static func nanoseconds(_ d: Duration) -> (Int64, Int64) {
        let (seconds, attoseconds) = d.components
        let limit: Int64 = 1 << 62 / 1_000_000_000
        if seconds > limit { return (limit * 1_000_000_000, 0) }
        if seconds < -limit { return (-limit * 1_000_000_000, 0) }
        return (seconds * 1_000_000_000 + attoseconds / 1_000_000_000, attoseconds % 1_000_000_000)
    }

    mutating func push(at deadline: ContinuousClock.Instant, token: UInt64, kind: UInt8) {
        push(Entry(due: Self.due(deadline), token: token, kind: kind))
    }

    private mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[parent].due <= entries[child].due { break }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            let n = entries.count
            while true {
                let l = 2 * parent + 1, r = l + 1
                var smallest = parent
                if l < n && entries[l].due < entries[smallest].due { smallest = l }
                if r < n && entries[r].due < entries[smallest].due { smallest = r }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
