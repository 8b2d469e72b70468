/// Random grouping that honours a policy, the pair history and blocks.
///
/// Theory of operation. Candidates are bucketed by their value of the `pairBy` attribute and each bucket is
/// shuffled with the injected generator. Groups are then filled one at a time (balanced sizes from
/// `groupSizes`): a seed comes from the largest bucket (`mix`) or the current bucket (`same`), and each
/// further member is the first candidate, scanning a few from the end of each bucket, that passes the
/// strongest preference still satisfiable:
///   1. never a blocked pair (hard: such a candidate is skipped even if a group stays short);
///   2. no pair that already met in this event;
///   3. the policy (`mix`: a value not yet in the group, largest bucket first, which maximises the number of
///      groups spanning values; `same`: the seed's value).
/// A repair pass then swaps members between groups to remove remaining repeats, and small populations
/// (where greedy choices matter most) are tried a few times with fresh shuffles, keeping the best score.
/// Cost is O(n · scanDepth) lookups in hash sets of packed pair keys; no search over matchings.
struct Pairing {
    var groupSize: Int
    var policy: PairingPolicy
    var met: Set<UInt64>
    var blocked: Set<UInt64>

    /// How many candidates of a bucket are looked at before falling back to a weaker preference.
    static let scanDepth = 48

    struct Result: Equatable {
        var groups: [[AttendeeID]]
        var unplaced: [AttendeeID]
    }

    /// Balanced sizes for `count` people at `target` size: 10 at 4 -> [4, 3, 3]; never a group of one;
    /// at target 2 an odd count makes one trio. Empty below two people.
    static func groupSizes(count: Int, target: Int) -> [Int] {
        guard count >= 2 else { return [] }
        let groups = min((count + target - 1) / target, count / 2)
        let base = count / groups
        let larger = count % groups
        return Array(repeating: base + 1, count: larger) + Array(repeating: base, count: groups - larger)
    }

    /// The largest group the rules allow at a target size (a trio is allowed when pairing).
    static func maximumGroupSize(target: Int) -> Int { max(target, 3) }

    /// - Parameters:
    ///   - candidates: in a deterministic order (the engine passes them by `AttendeeID`).
    ///   - values: for each candidate, the index of its `pairBy` value, or -1 when it has none.
    func makeGroups<R: RandomNumberGenerator>(
        candidates: [AttendeeID], values: [Int], random: inout R
    ) -> Result {
        guard candidates.count >= 2 else { return Result(groups: [], unplaced: candidates) }
        let attempts = candidates.count <= 64 ? 12 : (candidates.count <= 512 ? 3 : 1)
        var best: (result: Result, score: Score)?
        for _ in 0..<attempts {
            var state = GroupingState(candidates: candidates, values: values, pairing: self)
            state.fillGreedily(random: &random)
            state.placeLeftovers()
            state.repairRepeats(random: &random)
            let score = state.score()
            if best == nil || score < best!.score {
                best = (state.result(), score)
            }
            if score.isPerfect { break }
        }
        return best!.result
    }

    func conflicts(_ a: AttendeeID, _ b: AttendeeID) -> (blocked: Bool, met: Bool) {
        let key = pairKey(a, b)
        return (blocked.contains(key), met.contains(key))
    }
}

/// Lexicographic quality of a grouping: fewer unplaced, then fewer repeated pairs, then fewer policy misses.
struct Score: Comparable {
    var unplaced: Int
    var repeats: Int
    var monochrome: Int
    var policyMisses: Int

    var isPerfect: Bool { unplaced == 0 && repeats == 0 && monochrome == 0 && policyMisses == 0 }

    static func < (lhs: Score, rhs: Score) -> Bool {
        (lhs.unplaced, lhs.repeats, lhs.monochrome, lhs.policyMisses)
            < (rhs.unplaced, rhs.repeats, rhs.monochrome, rhs.policyMisses)
    }
}
