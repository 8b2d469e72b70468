/// The working state of one grouping attempt. Candidates are referred to by their index in `candidates`.
struct GroupingState {
    let candidates: [AttendeeID]
    let values: [Int]
    let pairing: Pairing
    /// Bucket per value (last bucket: no value); for `any` a single bucket.
    var buckets: [[Int]]
    var groups: [[Int]] = []
    var leftovers: [Int] = []

    init(candidates: [AttendeeID], values: [Int], pairing: Pairing) {
        self.candidates = candidates
        self.values = values
        self.pairing = pairing
        if pairing.policy == .any {
            buckets = [Array(candidates.indices)]
        } else {
            let valueCount = (values.max() ?? -1) + 2
            var buckets = Array(repeating: [Int](), count: valueCount)
            for index in candidates.indices {
                let value = values[index]
                buckets[value >= 0 ? value : valueCount - 1].append(index)
            }
            self.buckets = buckets
        }
    }

    /// The bucket a candidate belongs to: its value, or the last bucket when it has none.
    func bucketValue(of index: Int) -> Int {
        if pairing.policy == .any { return 0 }
        return values[index] >= 0 ? values[index] : buckets.count - 1
    }

    mutating func fillGreedily<R: RandomNumberGenerator>(random: inout R) {
        for bucket in buckets.indices { buckets[bucket].shuffle(using: &random) }
        // `same` drains buckets one after another (largest first) so mixed groups occur only at the seams.
        let drainOrder = buckets.indices.sorted { (buckets[$0].count, $1) > (buckets[$1].count, $0) }
        let sizes = Pairing.groupSizes(count: candidates.count, target: pairing.groupSize)
        groups.reserveCapacity(sizes.count)
        var remainingPeople = candidates.count
        for (groupNumber, size) in sizes.enumerated() {
            let groupsAfterThis = sizes.count - groupNumber - 1
            let order: [Int]
            switch pairing.policy {
            case .mix: order = buckets.indices.sorted { (buckets[$0].count, $1) > (buckets[$1].count, $0) }
            case .same, .any: order = drainOrder
            }
            guard let seedBucket = order.first(where: { !buckets[$0].isEmpty }) else { break }
            var group = [buckets[seedBucket].removeLast()]
            group.reserveCapacity(size)
            remainingPeople -= 1
            while group.count < size {
                let spare = pairing.policy == .mix && spansValues(group)
                    && remainingPeople - largestBucketCount() <= groupsAfterThis
                guard let member = takeMember(for: group, order: order, preferLargest: spare) else { break }
                group.append(member)
                remainingPeople -= 1
            }
            if group.count >= 2 { groups.append(group) } else { leftovers.append(contentsOf: group) }
        }
        for bucket in buckets.indices {
            leftovers.append(contentsOf: buckets[bucket])
            buckets[bucket].removeAll()
        }
    }

    /// The next member for `group`, trying ever weaker preferences (see `Pairing`).
    ///
    /// Under `mix`, once a group spans two values and people from outside the largest bucket are no more
    /// than the groups still to fill, the group takes from the largest bucket instead: each of those scarce
    /// people is worth more as the one who makes another group span values.
    mutating func takeMember(for group: [Int], order: [Int], preferLargest: Bool) -> Int? {
        let groupBuckets = group.map { bucketValue(of: $0) }
        let policy = pairing.policy
        let policyFits: (Int) -> Bool = { bucket in
            switch policy {
            case .mix: !groupBuckets.contains(bucket)
            case .same: bucket == groupBuckets[0]
            case .any: true
            }
        }
        var policyOrder = order.filter(policyFits) + order.filter { !policyFits($0) }
        if preferLargest {
            let largest = buckets.indices.max { (buckets[$0].count, $1) < (buckets[$1].count, $0) }!
            policyOrder.removeAll { $0 == largest }
            policyOrder.insert(largest, at: 0)
        }
        for allowMet in [false, true] {
            for bucket in policyOrder {
                if let found = scan(bucket: bucket, group: group, allowMet: allowMet) {
                    return buckets[bucket].swapRemove(at: found)
                }
            }
        }
        return nil
    }

    func spansValues(_ group: [Int]) -> Bool {
        group.contains { bucketValue(of: $0) != bucketValue(of: group[0]) }
    }

    func largestBucketCount() -> Int { buckets.reduce(0) { max($0, $1.count) } }

    /// Position in `buckets[bucket]` of a fitting candidate, looking at most `scanDepth` from the end
    /// (the bucket is shuffled, so the end is as random as anywhere).
    func scan(bucket: Int, group: [Int], allowMet: Bool) -> Int? {
        let members = buckets[bucket]
        var position = members.count - 1
        let lowest = allowMet ? 0 : max(0, members.count - Pairing.scanDepth)
        while position >= lowest {
            let candidate = candidates[members[position]]
            var fits = true
            for other in group {
                let conflict = pairing.conflicts(candidate, candidates[other])
                if conflict.blocked || (conflict.met && !allowMet) { fits = false; break }
            }
            if fits { return position }
            position -= 1
        }
        return nil
    }

    /// Attendees left over because of blocks join any group with room and no block; else stay unplaced.
    mutating func placeLeftovers() {
        guard !leftovers.isEmpty else { return }
        let limit = Pairing.maximumGroupSize(target: pairing.groupSize)
        var remaining: [Int] = []
        for person in leftovers {
            var target: Int?
            for allowMet in [false, true] where target == nil {
                target = groups.indices.first { index in
                    groups[index].count < limit && groups[index].allSatisfy { other in
                        let conflict = pairing.conflicts(candidates[person], candidates[other])
                        return !conflict.blocked && (allowMet || !conflict.met)
                    }
                }
            }
            if let target { groups[target].append(person) } else { remaining.append(person) }
        }
        // Two or more stranded people may still form a group among themselves.
        if remaining.count >= 2, !hasBlockedPair(remaining) {
            groups.append(remaining)
            remaining = []
        }
        leftovers = remaining
    }

    func hasBlockedPair(_ group: [Int]) -> Bool {
        for i in group.indices {
            for j in group.indices where j > i
            && pairing.conflicts(candidates[group[i]], candidates[group[j]]).blocked {
                return true
            }
        }
        return false
    }

    func result() -> Pairing.Result {
        Pairing.Result(
            groups: groups.map { $0.map { candidates[$0] } },
            unplaced: leftovers.map { candidates[$0] }.sorted())
    }
}

extension Array {
    /// O(1) removal that does not keep order (buckets are shuffled anyway).
    mutating func swapRemove(at index: Int) -> Element {
        swapAt(index, count - 1)
        return removeLast()
    }
}
