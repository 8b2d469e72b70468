/// A last pass over a small population's whole grouping (where one greedy choice weighs most): swap two
/// people between groups, or move one into a group with room, whenever that lowers the two groups' combined
/// cost, until nothing helps. The cost mirrors `Score`: groups without a shared value first, then repeated
/// pairs, then each preference rule. Unlike the repair inside one home, this crosses homes and the pool, so
/// someone who shares nothing can take the place that costs least, and a home's people can escape repeats
/// into a group that shares nothing anyway.
extension Pairing {
    /// Populations up to this size are polished (at most 32 groups: a pass is ~500 pairs of groups).
    static let polishLimit = 64
    /// Groups up to this many are also tried with three-way rotations (at most 220 triples of groups).
    static let rotationLimit = 12

    /// - Parameter thorough: every pair of groups where something is missed, and three-way rotations (once,
    ///   on the chosen grouping); otherwise only pairs with a group that shares nothing or holds a repeat (on
    ///   each attempt).
    func polish(_ draft: inout Draft, candidates: [AttendeeID], thorough: Bool) {
        guard draft.groups.count >= 2 else { return }
        let costs = PolishCosts(self, candidates: candidates)
        var groups = draft.groups
        var cost = groups.map { costs.cost($0) }
        let limit = Pairing.maximumGroupSize(target: groupSize)
        let worth = thorough ? 1 : costs.serious
        var improved = true
        var passes = 0
        while improved && passes < 8 {
            improved = false
            passes += 1
            // Only pairs where something is wrong can get better.
            for g in groups.indices {
                for h in groups.indices where h > g && (cost[g] >= worth || cost[h] >= worth) {
                    if costs.improve(&groups, &cost, g, h, limit: limit) { improved = true }
                }
            }
            // A swap between two groups cannot fix what needs three (a pair who met, whose only fresh partners
            // sit in two other groups): rotate one person each around three groups, one of them with a repeat
            // or sharing nothing, in tiny populations.
            guard thorough, !improved, groups.count <= Pairing.rotationLimit else { continue }
            for g in groups.indices where cost[g] >= costs.serious {
                for h in groups.indices where h != g {
                    for k in groups.indices where k > h && k != g {
                        if costs.rotate(&groups, &cost, g, h, k) { improved = true }
                    }
                }
            }
        }
        draft.groups = groups
    }
}

/// A group's cost for `Pairing.polish`, from tables built once: six bits per count, highest first: shares
/// nothing, repeated pairs, then the first preference rule's coarse and fine counts, then each later rule.
struct PolishCosts {
    let candidates: [AttendeeID]
    let met: Set<UInt64>
    let blocked: Set<UInt64>
    let share: PairingRuleInput?
    /// Each candidate's shared-rule values as bits, when the attribute has at most 64 values.
    let shareBits: [UInt64]?
    /// Each candidate's answer key per preference rule: `keys[person * ruleCount + rule]`.
    let keys: [Int]
    let ruleCount: Int
    let policies: [PairingPolicy]
    /// Costs at or above this hold a group that shares nothing or a repeat.
    let serious: Int

    init(_ pairing: Pairing, candidates: [AttendeeID]) {
        self.candidates = candidates
        met = pairing.met
        blocked = pairing.blocked
        share = pairing.shareRule
        shareBits = share.flatMap { rule in
            guard rule.valueCount <= 64 else { return nil }
            return candidates.indices.map { person in rule.answer(person).reduce(UInt64(0)) { $0 | 1 << UInt64($1) } }
        }
        let preferences = pairing.preferenceRules
        ruleCount = preferences.count
        policies = preferences.map(\.policy)
        var keys = Array(repeating: 0, count: candidates.count * preferences.count)
        for (r, rule) in preferences.enumerated() {
            for person in candidates.indices { keys[person * preferences.count + r] = rule.keys[person] }
        }
        self.keys = keys
        serious = 1 << (6 * (preferences.count + (preferences.isEmpty ? 0 : 1)))
    }

    func cost(_ group: [Int]) -> Int {
        var sharesNothing = 0
        if let shareBits {
            var common = UInt64.max
            for person in group { common &= shareBits[person] }
            sharesNothing = common == 0 ? 1 : 0
        } else if let share {
            sharesNothing = share.sharesValue(group) ? 0 : 1
        }
        var repeats = 0
        for i in group.indices {
            for j in group.indices where j > i && met.contains(pairKey(candidates[group[i]], candidates[group[j]])) {
                repeats += 1
            }
        }
        var cost = sharesNothing << 6 | repeats
        for r in 0..<ruleCount {
            if r == 0 {
                var distinct = 0
                for i in group.indices {
                    let key = keys[group[i] * ruleCount]
                    var seen = false
                    for j in 0..<i where keys[group[j] * ruleCount] == key { seen = true; break }
                    if !seen { distinct += 1 }
                }
                let (coarse, fine) = policies[0] == .mix ? (distinct == 1 ? 1 : 0, group.count - distinct) : (0, distinct - 1)
                cost = (cost << 6 | coarse) << 6 | fine
            } else {
                let first = keys[group[0] * ruleCount + r]
                var differs = false
                for person in group where keys[person * ruleCount + r] != first { differs = true; break }
                let satisfied = policies[r] == .mix ? differs : (policies[r] == .same ? !differs : true)
                cost = cost << 6 | (satisfied ? 0 : 1)
            }
        }
        return cost
    }

    func allowed(_ group: [Int]) -> Bool {
        for i in group.indices {
            for j in group.indices where j > i && blocked.contains(pairKey(candidates[group[i]], candidates[group[j]])) {
                return false
            }
        }
        return true
    }

    /// The first swap or move between groups `g` and `h` that lowers their cost, made in place.
    func improve(_ groups: inout [[Int]], _ cost: inout [Int], _ g: Int, _ h: Int, limit: Int) -> Bool {
        let before = cost[g] + cost[h]
        func keep() -> Bool {
            let (a, b) = (self.cost(groups[g]), self.cost(groups[h]))
            guard a + b < before, allowed(groups[g]), allowed(groups[h]) else { return false }
            (cost[g], cost[h]) = (a, b)
            return true
        }
        for m in groups[g].indices {
            for n in groups[h].indices {
                (groups[g][m], groups[h][n]) = (groups[h][n], groups[g][m])
                if keep() { return true }
                (groups[g][m], groups[h][n]) = (groups[h][n], groups[g][m])
            }
            if groups[g].count > 2 && groups[h].count < limit {
                groups[h].append(groups[g].remove(at: m))
                if keep() { return true }
                groups[g].insert(groups[h].removeLast(), at: m)
            }
        }
        if groups[h].count > 2 && groups[g].count < limit {
            for n in groups[h].indices {
                groups[g].append(groups[h].remove(at: n))
                if keep() { return true }
                groups[h].insert(groups[g].removeLast(), at: n)
            }
        }
        return false
    }

    /// The first rotation of one person each among groups `g`, `h` and `k` (either direction) that lowers
    /// their cost, made in place.
    func rotate(_ groups: inout [[Int]], _ cost: inout [Int], _ g: Int, _ h: Int, _ k: Int) -> Bool {
        let before = cost[g] + cost[h] + cost[k]
        for a in groups[g].indices {
            for b in groups[h].indices {
                for c in groups[k].indices {
                    for _ in 0..<2 {
                        // g <- k <- h <- g; the second time round this undoes the first and goes the other way.
                        (groups[g][a], groups[h][b], groups[k][c]) = (groups[k][c], groups[g][a], groups[h][b])
                        let new = (self.cost(groups[g]), self.cost(groups[h]), self.cost(groups[k]))
                        if new.0 + new.1 + new.2 < before, allowed(groups[g]), allowed(groups[h]), allowed(groups[k]) {
                            (cost[g], cost[h], cost[k]) = new
                            return true
                        }
                    }
                    (groups[g][a], groups[h][b], groups[k][c]) = (groups[k][c], groups[g][a], groups[h][b])
                }
            }
        }
        return false
    }
}
