/// The working state of one grouping attempt over some of the candidates (all of them, or one home value's
/// people). They are referred to by their local index in `candidates`.
struct GroupingState {
    let candidates: [AttendeeID]
    /// Each candidate's answer to the first preference rule (its bucket).
    let values: [Int]
    /// The first preference rule's policy (`any` when there is none).
    let policy: PairingPolicy
    /// The later preference rules, in order: their policy and each candidate's answer key.
    let secondary: [(policy: PairingPolicy, keys: [Int])]
    let pairing: Pairing
    /// Bucket per value (last bucket: no value); for `any` a single bucket.
    var buckets: [[Int]]
    var groups: [[Int]] = []
    var leftovers: [Int] = []
    /// Bucket indices: by remaining count, largest first (`mix`), or in drain order (`same`, `any`).
    var order: [Int] = []
    var positionInOrder: [Int] = []

    /// - Parameter members: indices into `candidates` (and into every rule's answers).
    init(members: [Int], candidates: [AttendeeID], pairing: Pairing) {
        self.candidates = members.map { candidates[$0] }
        self.pairing = pairing
        let rules = pairing.preferenceRules
        policy = rules.first?.policy ?? .any
        values = rules.first.map { rule in members.map { rule.keys[$0] } } ?? Array(repeating: 0, count: members.count)
        secondary = rules.dropFirst().map { rule in (rule.policy, members.map { rule.keys[$0] }) }
        if policy == .any {
            buckets = [Array(members.indices)]
        } else {
            let valueCount = (values.max() ?? -1) + 2
            var buckets = Array(repeating: [Int](), count: valueCount)
            for index in members.indices {
                let value = values[index]
                buckets[value >= 0 ? value : valueCount - 1].append(index)
            }
            self.buckets = buckets
        }
    }

    /// The bucket a candidate belongs to: its value, or the last bucket when it has none.
    func bucketValue(of index: Int) -> Int {
        if policy == .any { return 0 }
        return values[index] >= 0 ? values[index] : buckets.count - 1
    }

    mutating func fillGreedily<R: RandomNumberGenerator>(random: inout R) {
        for bucket in buckets.indices { buckets[bucket].shuffle(using: &random) }
        // `mix` keeps buckets ordered by how many remain (largest first), updated as people are taken;
        // `same` drains them one after another, largest first, so mixed groups occur only at the seams.
        order = buckets.indices.sorted { (buckets[$0].count, $1) > (buckets[$1].count, $0) }
        positionInOrder = Array(repeating: 0, count: buckets.count)
        for (position, bucket) in order.enumerated() { positionInOrder[bucket] = position }
        let sizes = Pairing.groupSizes(count: candidates.count, target: pairing.groupSize)
        groups.reserveCapacity(sizes.count)
        var remainingPeople = candidates.count
        var drainCursor = 0
        for (groupNumber, size) in sizes.enumerated() {
            let groupsAfterThis = sizes.count - groupNumber - 1
            while drainCursor < order.count && buckets[order[drainCursor]].isEmpty { drainCursor += 1 }
            let seedBucket = policy == .mix ? order[0] : order[min(drainCursor, order.count - 1)]
            guard !buckets[seedBucket].isEmpty else { break }
            var group = [take(from: seedBucket, at: buckets[seedBucket].count - 1)]
            group.reserveCapacity(size)
            remainingPeople -= 1
            while group.count < size {
                let spare = policy == .mix && spansValues(group)
                    && remainingPeople - buckets[order[0]].count <= groupsAfterThis
                guard let member = takeMember(for: group, preferLargest: spare) else { break }
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

    /// Removes one person from a bucket and, under `mix`, moves the bucket down the order past buckets
    /// that now hold more (usually a step or two, never a full sort).
    mutating func take(from bucket: Int, at position: Int) -> Int {
        let person = buckets[bucket].swapRemove(at: position)
        guard policy == .mix else { return person }
        var slot = positionInOrder[bucket]
        let count = buckets[bucket].count
        while slot + 1 < order.count && buckets[order[slot + 1]].count > count {
            let next = order[slot + 1]
            order[slot] = next
            positionInOrder[next] = slot
            slot += 1
        }
        order[slot] = bucket
        positionInOrder[bucket] = slot
        return person
    }

    /// The next member for `group`, trying ever weaker preferences (see `Pairing`): never blocked, then
    /// not met before, then the policy, in buckets taken largest first (`mix`) or in drain order.
    ///
    /// Under `mix`, once a group spans two values and people from outside the largest bucket are no more
    /// than the groups still to fill, the group takes from the largest bucket first: each of those scarce
    /// people is worth more as the one who makes another group span values.
    mutating func takeMember(for group: [Int], preferLargest: Bool) -> Int? {
        var groupBuckets: [Int] = []
        groupBuckets.reserveCapacity(group.count)
        for person in group { groupBuckets.append(bucketValue(of: person)) }
        for allowMet in [false, true] {
            if preferLargest, let found = scan(bucket: order[0], group: group, allowMet: allowMet) {
                return take(from: order[0], at: found)
            }
            for wantFit in [true, false] {
                // By index: `take` reorders `order`, and iterating a copy would copy it on every take.
                for slot in order.indices {
                    let bucket = order[slot]
                    if buckets[bucket].isEmpty {
                        if policy == .mix { break } else { continue }
                    }
                    let fits: Bool
                    switch policy {
                    case .mix: fits = !groupBuckets.contains(bucket)
                    case .same: fits = bucket == groupBuckets[0]
                    case .any, .share: fits = true
                    }
                    guard fits == wantFit else { continue }
                    if let found = scan(bucket: bucket, group: group, allowMet: allowMet) {
                        return take(from: bucket, at: found)
                    }
                }
            }
        }
        return nil
    }

    func spansValues(_ group: [Int]) -> Bool {
        group.contains { bucketValue(of: $0) != bucketValue(of: group[0]) }
    }

    /// Position in `buckets[bucket]` of a fitting candidate, looking at most `scanDepth` from the end
    /// (the bucket is shuffled, so the end is as random as anywhere). With later preference rules, the first
    /// `tieDepth` that fit are compared on them and the best is taken.
    func scan(bucket: Int, group: [Int], allowMet: Bool) -> Int? {
        let members = buckets[bucket]
        var position = members.count - 1
        let lowest = allowMet ? 0 : max(0, members.count - Pairing.scanDepth)
        var best: (position: Int, gain: Int)?
        var fitting = 0
        let perfect = (1 << secondary.count) - 1
        while position >= lowest {
            let candidate = candidates[members[position]]
            var fits = true
            for other in group {
                let conflict = pairing.conflicts(candidate, candidates[other])
                if conflict.blocked || (conflict.met && !allowMet) { fits = false; break }
            }
            if fits {
                if secondary.isEmpty { return position }
                let gain = secondaryGain(members[position], joining: group)
                if best == nil || gain > best!.gain { best = (position, gain) }
                fitting += 1
                if gain == perfect || fitting >= Pairing.tieDepth { break }
            }
            position -= 1
        }
        return best?.position
    }

    /// How well `person` serves the later preference rules in `group`: one bit per rule it would leave
    /// satisfied, the earliest rule the highest bit.
    func secondaryGain(_ person: Int, joining group: [Int]) -> Int {
        var gain = 0
        for rule in secondary {
            let key = rule.keys[person]
            let satisfied = switch rule.policy {
            case .mix: group.contains { rule.keys[$0] != key }
            case .same: group.allSatisfy { rule.keys[$0] == key }
            case .share, .any: true
            }
            gain = gain << 1 | (satisfied ? 1 : 0)
        }
        return gain
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
}

extension Array {
    /// O(1) removal that does not keep order (buckets are shuffled anyway).
    mutating func swapRemove(at index: Int) -> Element {
        swapAt(index, count - 1)
        return removeLast()
    }
}
