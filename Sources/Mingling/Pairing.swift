/// Random grouping that honours a plan's rules in priority order, the pair history and blocks.
///
/// Theory of operation. What matters, most important first:
///   1. never a blocked pair (hard: such a candidate is skipped even if a group stays short);
///   2. the `share` rule, if any: every group has a value all its members gave (a common language), wherever
///      the population allows;
///   3. no pair that already met in this event;
///   4. the `mix` and `same` rules in order (`mix`: answers not all the same; `same`: all the same).
/// Without a `share` rule everyone is grouped at once (`GroupingState`): candidates are bucketed by their answer
/// to the first `mix`/`same` rule and each bucket is shuffled with the injected generator; groups are filled one
/// at a time (balanced sizes from `groupSizes`) from the largest bucket (`mix`) or the current one (`same`),
/// each further member being the first candidate, scanning a few from the end of each bucket, that passes the
/// strongest preference still satisfiable; later rules break ties among the first few that fit. A repair pass
/// then swaps members between groups to remove remaining repeats.
/// With a `share` rule each candidate first gets a home value (`Pairing+Share.swift`): one they gave that
/// someone else gave too, chosen so that no value is home to a single person and each home's people are as
/// mixed as the next rule wants; each home is then grouped as above, so every group shares its home value.
/// People who share a value with nobody present are grouped among themselves (or join a group), never left out.
/// Small populations (where greedy choices matter most) are tried a few times with fresh shuffles, keeping the
/// best `Score`. Cost is O(n · scanDepth) lookups in hash sets of packed pair keys; no search over matchings.
struct Pairing {
    var groupSize: Int
    /// In the plan's order; `any` rules are carried for the quality report only.
    var rules: [PairingRuleInput]
    var met: Set<UInt64>
    var blocked: Set<UInt64>

    /// How many candidates of a bucket are looked at before falling back to a weaker preference.
    static let scanDepth = 48
    /// Among candidates that fit, how many are compared on the later rules before taking the best.
    static let tieDepth = 6

    struct Result: Equatable {
        var groups: [[AttendeeID]]
        var unplaced: [AttendeeID]
        /// Per rule, in the order given: how the groups fare and the best they could.
        var quality: [RuleOutcome] = []
    }

    /// One rule's result for the groups formed (see `RuleQuality` for the meaning of each number).
    struct RuleOutcome: Equatable {
        var satisfied: Int
        var best: Int
        var alone: Int?
    }

    init(groupSize: Int, rules: [PairingRuleInput], met: Set<UInt64>, blocked: Set<UInt64>) {
        self.groupSize = groupSize
        self.rules = rules
        self.met = met
        self.blocked = blocked
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

    /// The `share` rule that shapes the grouping (the first one).
    var shareRule: PairingRuleInput? { rules.first { $0.policy == .share } }
    /// The rules after `share` that groups are filled by: the first buckets candidates, the others break ties.
    var preferenceRules: [PairingRuleInput] { rules.filter { $0.policy == .mix || $0.policy == .same } }

    /// - Parameter candidates: in a deterministic order (the engine passes them by `AttendeeID`); each rule's
    ///   answers are in the same order.
    func makeGroups<R: RandomNumberGenerator>(candidates: [AttendeeID], random: inout R) -> Result {
        guard candidates.count >= 2 else {
            let draft = Draft(groups: [], unplaced: Array(candidates.indices))
            return Result(groups: [], unplaced: candidates, quality: quality(of: draft))
        }
        let attempts = candidates.count <= 64 ? 12 : (candidates.count <= 512 ? 3 : 1)
        var best: (draft: Draft, score: Score)?
        var attempt = 0
        while attempt < attempts {
            attempt += 1
            var draft = shareRule == nil
                ? groupTogether(Array(candidates.indices), candidates: candidates, random: &random)
                : groupByHome(candidates: candidates, random: &random)
            if candidates.count <= Pairing.polishLimit { polish(&draft, candidates: candidates, thorough: false) }
            let score = self.score(of: draft, candidates: candidates)
            if best == nil || score < best!.score { best = (draft, score) }
            if score.isPerfect { break }
        }
        var draft = best!.draft
        if candidates.count <= Pairing.polishLimit && !best!.score.isPerfect {
            polish(&draft, candidates: candidates, thorough: true)
        }
        return Result(
            groups: draft.groups.map { $0.map { candidates[$0] } }, unplaced: draft.unplaced.map { candidates[$0] }.sorted(),
            quality: quality(of: draft))
    }

    /// Groups `members` (indices into `candidates`) by the preference rules, ignoring `share`.
    func groupTogether<R: RandomNumberGenerator>(
        _ members: [Int], candidates: [AttendeeID], random: inout R
    ) -> Draft {
        var state = GroupingState(members: members, candidates: candidates, pairing: self)
        state.fillGreedily(random: &random)
        state.placeLeftovers()
        state.repairRepeats(random: &random)
        return Draft(groups: state.groups.map { $0.map { members[$0] } }, unplaced: state.leftovers.map { members[$0] })
    }

    func conflicts(_ a: AttendeeID, _ b: AttendeeID) -> (blocked: Bool, met: Bool) {
        let key = pairKey(a, b)
        return (blocked.contains(key), met.contains(key))
    }
}

/// A grouping in progress or done: indices into the candidates.
struct Draft: Equatable {
    var groups: [[Int]]
    var unplaced: [Int]
}

/// Lexicographic quality of a grouping: fewer unplaced, then fewer groups without a shared value, then fewer
/// repeated pairs, then each preference rule's misses in order (a coarse and a fine count each).
struct Score: Comparable {
    var parts: [Int]

    var isPerfect: Bool { parts.allSatisfy { $0 == 0 } }

    static func < (lhs: Score, rhs: Score) -> Bool { lhs.parts.lexicographicallyPrecedes(rhs.parts) }
}

extension Pairing {
    /// The one-rule form (`pairBy` + `policy`) with each candidate's value index, -1 for none.
    init(groupSize: Int, policy: PairingPolicy, met: Set<UInt64>, blocked: Set<UInt64>) {
        self.init(groupSize: groupSize, rules: [PairingRuleInput(policy: policy, single: [], valueCount: 0)],
                  met: met, blocked: blocked)
    }

    /// For the one-rule form: groups with `values` as the rule's answers.
    func makeGroups<R: RandomNumberGenerator>(candidates: [AttendeeID], values: [Int], random: inout R) -> Result {
        var pairing = self
        let policy = rules.first?.policy ?? .any
        pairing.rules = [PairingRuleInput(policy: policy, single: values, valueCount: (values.max() ?? -1) + 1)]
        return pairing.makeGroups(candidates: candidates, random: &random)
    }
}
