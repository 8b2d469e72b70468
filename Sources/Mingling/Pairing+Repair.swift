extension GroupingState {
    /// Swaps members between groups to remove pairs that already met. Greedy filling leaves few of these
    /// except in small or heavily mingled populations; each is tried against a bounded number of random
    /// partners, and a swap is kept only if it lowers the two groups' combined score.
    mutating func repairRepeats<R: RandomNumberGenerator>(random: inout R) {
        guard groups.count >= 2 else { return }
        let triesPerConflict = min(64, groups.count * 4)
        for groupIndex in groups.indices {
            var member = 0
            while member < groups[groupIndex].count {
                guard repeats(in: groups[groupIndex], involving: member) > 0 else {
                    member += 1
                    continue
                }
                var fixed = false
                for _ in 0..<triesPerConflict {
                    let other = Int.random(in: 0..<groups.count, using: &random)
                    guard other != groupIndex else { continue }
                    let otherMember = Int.random(in: 0..<groups[other].count, using: &random)
                    if trySwap(groupIndex, member, other, otherMember) { fixed = true; break }
                }
                if !fixed { member += 1 }
            }
        }
    }

    private mutating func trySwap(_ g: Int, _ m: Int, _ h: Int, _ n: Int) -> Bool {
        let before = groupCost(groups[g]) + groupCost(groups[h])
        var first = groups[g]
        var second = groups[h]
        swap(&first[m], &second[n])
        if hasBlockedPair(first) || hasBlockedPair(second) { return false }
        let after = groupCost(first) + groupCost(second)
        guard after < before else { return false }
        groups[g] = first
        groups[h] = second
        return true
    }

    /// Repeats weigh more than any preference miss, mirroring `Score`: six bits per count (a count never
    /// reaches 64 in two groups of at most six), repeats highest, then each preference rule in order.
    private func groupCost(_ group: [Int]) -> Int {
        var cost = repeats(in: group)
        // The first rule: a coarse and a fine count (`mix`: single-valued, then people who repeat an answer
        // already in the group; `same`: 0, then answers beyond the first).
        var distinct = 0
        for i in group.indices where !group[..<i].contains(where: { bucketValue(of: $0) == bucketValue(of: group[i]) }) {
            distinct += 1
        }
        switch policy {
        case .mix: cost = (cost << 6 | (distinct == 1 ? 1 : 0)) << 6 | (group.count - distinct)
        case .same: cost = (cost << 6) << 6 | (distinct - 1)
        case .share, .any: cost = cost << 12
        }
        // Each later rule: missed or not.
        for rule in secondary {
            let first = rule.keys[group[0]]
            let satisfied = switch rule.policy {
            case .mix: group.contains { rule.keys[$0] != first }
            case .same: group.allSatisfy { rule.keys[$0] == first }
            case .share, .any: true
            }
            cost = cost << 6 | (satisfied ? 0 : 1)
        }
        return cost
    }

    private func repeats(in group: [Int], involving member: Int) -> Int {
        var count = 0
        for other in group.indices where other != member
        && pairing.conflicts(candidates[group[member]], candidates[group[other]]).met {
            count += 1
        }
        return count
    }

    func repeats(in group: [Int]) -> Int {
        var repeats = 0
        for i in group.indices {
            for j in group.indices where j > i
            && pairing.conflicts(candidates[group[i]], candidates[group[j]]).met {
                repeats += 1
            }
        }
        return repeats
    }
}
