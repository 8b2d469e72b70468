/// How a grouping fares: the `Score` that picks the best attempt, and per rule the groups that satisfy it
/// against an upper bound for the same people in groups of the same sizes.
///
/// The bounds (each valid for any grouping of the placed people into groups of these sizes whose groups
/// without a shared value are no more than this one's):
/// - `share`: a group holding someone who shares no value with anyone present fails, so at least
///   ceil(alone / largest group) groups do: best = groups - that.
/// - `mix`: a group of mixed answers holds someone outside the most common answer: best <= placed - largest
///   answer count. With a `share` rule, someone all of whose potential sharers gave the same answer as they did
///   ("stuck") is in a single-answer group unless their group shares nothing: best <= groups -
///   ceil(stuck / largest group) + groups without a shared value. And people with only one value anyone else
///   gave ("fixed" to it) are grouped among that value's speakers (fixed people of different values share
///   nothing, so these groups are their value's own). If f of them gave answer a and o of the value's speakers
///   gave another, each mixed group among theirs takes one of the o: f + o people fill at least as many
///   groups as the largest groups need to hold them, and all but o of those stay unmixed. Each group without a
///   shared value frees at most the largest group's size of fixed people: best <= groups - (sum over values of
///   the unmixed, the worst answer of each) + largest group * groups without a shared value.
/// - `same`: a satisfied group takes at least the smallest group's size of people with one answer: best <=
///   sum over answers of floor(count / smallest group).
/// - `any`: every group.
extension Pairing {
    func score(of draft: Draft, candidates: [AttendeeID]) -> Score {
        let preferences = preferenceRules
        var parts = Array(repeating: 0, count: 5 + max(0, preferences.count - 1))
        parts[0] = draft.unplaced.count
        let share = shareRule
        for group in draft.groups {
            if let share, !share.sharesValue(group) { parts[1] += 1 }
            for i in group.indices {
                for j in group.indices where j > i && met.contains(pairKey(candidates[group[i]], candidates[group[j]])) {
                    parts[2] += 1
                }
            }
            for (position, rule) in preferences.enumerated() {
                if position == 0 {
                    var distinct: [Int] = []
                    for person in group where !distinct.contains(rule.keys[person]) { distinct.append(rule.keys[person]) }
                    if rule.policy == .mix {
                        parts[3] += distinct.count == 1 ? 1 : 0
                        parts[4] += group.count - distinct.count
                    } else {
                        parts[4] += distinct.count - 1
                    }
                } else if !rule.isSatisfied(by: group) {
                    parts[4 + position] += 1
                }
            }
        }
        return Score(parts: parts)
    }

    /// The sum over values of the groups of people fixed to a value that cannot mix (see above); nil when
    /// the counts would not fit a table of a few million entries.
    private func fixedShortfall(share: PairingRuleInput, rule: PairingRuleInput, placed: [Int], sizes: [Int]) -> Int? {
        let keys = rule.keyCount
        guard share.valueCount * keys <= 4_000_000 else { return nil }
        // k groups hold at most the k largest sizes: the fewest groups that can hold `people`.
        var capacity = [0]
        for size in sizes.sorted(by: >) { capacity.append(capacity.last! + size) }
        func groupsNeeded(_ people: Int) -> Int {
            var low = 0, high = capacity.count - 1
            while low < high {
                let middle = (low + high) / 2
                if capacity[middle] >= people { high = middle } else { low = middle + 1 }
            }
            return low
        }
        var speakers = Array(repeating: 0, count: share.valueCount)
        for person in placed { for value in share.answer(person) { speakers[value] += 1 } }
        var byAnswer = Array(repeating: 0, count: share.valueCount * keys)
        var fixed = Array(repeating: 0, count: share.valueCount * keys)
        for person in placed {
            var useful = 0, only = -1
            for value in share.answer(person) {
                byAnswer[value * keys + rule.keys[person]] += 1
                if speakers[value] >= 2 { useful += 1; only = value }
            }
            if useful == 1 { fixed[only * keys + rule.keys[person]] += 1 }
        }
        var shortfall = 0
        for value in 0..<share.valueCount {
            var worst = 0
            for key in 0..<keys where fixed[value * keys + key] > 0 {
                let others = speakers[value] - byAnswer[value * keys + key]
                // m of their groups mix, each with one of the `others`: f + m people in at least
                // groupsNeeded(f + m) groups, of which groupsNeeded(f + m) - m do not mix; fewest at m = others.
                worst = max(worst, groupsNeeded(fixed[value * keys + key] + others) - others)
            }
            shortfall += worst
        }
        return shortfall
    }

    func quality(of draft: Draft) -> [RuleOutcome] {
        let groups = draft.groups
        let sizes = groups.map(\.count)
        let largest = sizes.max() ?? 1
        let smallest = sizes.min() ?? 1
        let placed = groups.flatMap { $0 }
        let candidateCount = placed.count + draft.unplaced.count
        let share = shareRule
        var alone: [Bool] = []
        var sharingMisses = 0
        var speakers: [Int] = []
        if let share {
            speakers = Array(repeating: 0, count: share.valueCount)
            for person in 0..<candidateCount { for value in share.answer(person) { speakers[value] += 1 } }
            alone = (0..<candidateCount).map { person in !share.answer(person).contains { speakers[$0] >= 2 } }
            sharingMisses = groups.count { !share.sharesValue($0) }
        }
        func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
        return rules.map { rule in
            let satisfied = groups.count { rule.isSatisfied(by: $0) }
            switch rule.policy {
            case .any:
                return RuleOutcome(satisfied: satisfied, best: groups.count, alone: nil)
            case .share:
                let aloneCount = (0..<candidateCount).count { person in !rule.answer(person).contains { speakers[$0] >= 2 } }
                let alonePlaced = placed.count { person in !rule.answer(person).contains { speakers[$0] >= 2 } }
                return RuleOutcome(satisfied: satisfied, best: groups.count - ceilDiv(alonePlaced, largest), alone: aloneCount)
            case .mix:
                var counts = Array(repeating: 0, count: rule.keyCount)
                for person in placed { counts[rule.keys[person]] += 1 }
                var best = min(groups.count, placed.count - (counts.max() ?? 0))
                if let share {
                    // A value all of whose speakers gave one answer to this rule: its one answer, else -1.
                    var soleAnswer = Array(repeating: -2, count: share.valueCount)
                    for person in 0..<candidateCount {
                        for value in share.answer(person) {
                            let key = rule.keys[person]
                            soleAnswer[value] = soleAnswer[value] == -2 || soleAnswer[value] == key ? key : -1
                        }
                    }
                    let stuck = placed.count { person in
                        !alone[person] && share.answer(person).allSatisfy { speakers[$0] < 2 || soleAnswer[$0] >= 0 }
                    }
                    best = min(best, groups.count - ceilDiv(stuck, largest) + sharingMisses)
                    if let shortfall = fixedShortfall(share: share, rule: rule, placed: placed, sizes: sizes) {
                        best = min(best, groups.count - shortfall + largest * sharingMisses)
                    }
                }
                return RuleOutcome(satisfied: satisfied, best: best, alone: nil)
            case .same:
                var counts = Array(repeating: 0, count: rule.keyCount)
                for person in placed { counts[rule.keys[person]] += 1 }
                return RuleOutcome(satisfied: satisfied, best: min(groups.count, counts.reduce(0) { $0 + $1 / smallest }), alone: nil)
            }
        }
    }
}
