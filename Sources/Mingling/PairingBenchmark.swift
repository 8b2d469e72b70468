/// A ready-made pairing workload for benchmarks: `attendees` spread over `regions` (skewed so the largest
/// region holds about a third), `priorRounds` of history already met. With one rule, pairs are formed under
/// `mix` by region; with three, under `share` languages (each speaks their region's language, 60% English
/// too, 15% a third one, 1 in 200 only a language few others speak), then `mix` region, then `mix`
/// attendance (a third remote). The caller times `run`; this module never reads a clock.
public struct PairingBenchmark: Sendable {
    let candidates: [AttendeeID]
    let pairing: Pairing

    public init(
        attendees: Int = 10_000, regions: Int = 8, priorRounds: Int = 3, groupSize: Int = 2, rules: Int = 1,
        seed: UInt64 = 42
    ) {
        var random = SeededRandom(seed: seed)
        candidates = (1...max(1, attendees)).map { AttendeeID(UInt32($0)) }
        // Region r gets weight regions - r + regions / 2: skewed but every region populated.
        let weights = (0..<regions).map { regions - $0 + regions / 2 }
        let total = weights.reduce(0, +)
        let regionOf = candidates.map { _ in
            var draw = Int.random(in: 0..<total, using: &random)
            for (region, weight) in weights.enumerated() {
                if draw < weight { return region }
                draw -= weight
            }
            return regions - 1
        }
        var inputs = [PairingRuleInput(policy: .mix, single: regionOf, valueCount: regions)]
        if rules >= 3 {
            // Languages: English is 0, region r speaks language 1 + r % 6, 7 is rare.
            let languages = regionOf.map { region -> [Int] in
                if Int.random(in: 0..<200, using: &random) == 0 { return [7] }
                var spoken = [1 + region % 6]
                if Int.random(in: 0..<100, using: &random) < 60 { spoken.append(0) }
                if Int.random(in: 0..<100, using: &random) < 15 { spoken.append(Int.random(in: 1...6, using: &random)) }
                return Array(Set(spoken))
            }
            let attendance = regionOf.map { _ in Int.random(in: 0..<3, using: &random) == 0 ? 1 : 0 }
            inputs = [
                PairingRuleInput(policy: .share, answers: languages, valueCount: 8),
                inputs[0],
                PairingRuleInput(policy: .mix, single: attendance, valueCount: 2),
            ]
        }
        var history = Pairing(groupSize: groupSize, rules: inputs, met: [], blocked: [])
        for _ in 0..<priorRounds {
            let round = history.makeGroups(candidates: candidates, random: &random)
            for group in round.groups {
                for (position, a) in group.enumerated() {
                    for b in group[(position + 1)...] { history.met.insert(pairKey(a, b)) }
                }
            }
        }
        pairing = history
    }

    /// One round of grouping; returns the number of groups formed.
    public func run(seed: UInt64) -> Int {
        var random = SeededRandom(seed: seed)
        return pairing.makeGroups(candidates: candidates, random: &random).groups.count
    }

    /// One round's figures: repeated pairs (already met; zero is the expectation for large populations) and,
    /// per rule, the groups that satisfy it and the best possible.
    public func check(seed: UInt64) -> (repeats: Int, quality: [(satisfied: Int, best: Int, groups: Int)]) {
        var random = SeededRandom(seed: seed)
        let result = pairing.makeGroups(candidates: candidates, random: &random)
        var count = 0
        for group in result.groups {
            for (position, a) in group.enumerated() {
                for b in group[(position + 1)...] where pairing.met.contains(pairKey(a, b)) { count += 1 }
            }
        }
        return (count, result.quality.map { ($0.satisfied, $0.best, result.groups.count) })
    }

    /// Repeated pairs (already met) in one round.
    public func repeats(seed: UInt64) -> Int { check(seed: seed).repeats }
}
