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

    /// Repeats weigh more than any policy miss, mirroring `Score`.
    private func groupCost(_ group: [Int]) -> Int {
        let cost = groupScore(group)
        return cost.repeats * 1_000_000 + cost.monochrome * 1_000 + cost.policyMisses
    }

    private func repeats(in group: [Int], involving member: Int) -> Int {
        var count = 0
        for other in group.indices where other != member
        && pairing.conflicts(candidates[group[member]], candidates[group[other]]).met {
            count += 1
        }
        return count
    }

    func groupScore(_ group: [Int]) -> Score {
        var repeats = 0
        for i in group.indices {
            for j in group.indices where j > i
            && pairing.conflicts(candidates[group[i]], candidates[group[j]]).met {
                repeats += 1
            }
        }
        var distinct: [Int] = []
        for person in group where !distinct.contains(bucketValue(of: person)) {
            distinct.append(bucketValue(of: person))
        }
        switch pairing.policy {
        case .mix:
            return Score(unplaced: 0, repeats: repeats, monochrome: distinct.count == 1 ? 1 : 0,
                         policyMisses: group.count - distinct.count)
        case .same:
            return Score(unplaced: 0, repeats: repeats, monochrome: 0, policyMisses: distinct.count - 1)
        case .any:
            return Score(unplaced: 0, repeats: repeats, monochrome: 0, policyMisses: 0)
        }
    }

    func score() -> Score {
        var total = Score(unplaced: leftovers.count, repeats: 0, monochrome: 0, policyMisses: 0)
        for group in groups {
            let score = groupScore(group)
            total.repeats += score.repeats
            total.monochrome += score.monochrome
            total.policyMisses += score.policyMisses
        }
        return total
    }
}
