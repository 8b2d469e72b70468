/// A binary min-heap of deadlines. Entries are never removed early: a fired entry is
/// checked against its owner's current deadline and ignored when stale (lazy deletion),
/// which keeps re-arming a deadline O(log n) with no search.
struct TimerHeap {
    struct Entry {
        var deadline: ContinuousClock.Instant
        var token: UInt64
        var kind: UInt8
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var first: Entry? { entries.first }
    var count: Int { entries.count }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[parent].deadline <= entries[child].deadline { break }
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
                if l < n && entries[l].deadline < entries[smallest].deadline { smallest = l }
                if r < n && entries[r].deadline < entries[smallest].deadline { smallest = r }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
