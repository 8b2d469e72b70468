/// A ready-made pairing workload for benchmarks: `attendees` spread over `regions` (skewed so the largest
/// region holds about a third), `priorRounds` of history already met, pairs under `mix`. The caller times
/// `run`; this module never reads a clock.
public struct PairingBenchmark: Sendable {
    let candidates: [AttendeeID]
    let values: [Int]
    let pairing: Pairing

    public init(attendees: Int = 10_000, regions: Int = 8, priorRounds: Int = 3, groupSize: Int = 2, seed: UInt64 = 42) {
        var random = SeededRandom(seed: seed)
        candidates = (1...max(1, attendees)).map { AttendeeID(UInt32($0)) }
        // Region r gets weight regions - r + regions / 2: skewed but every region populated.
        let weights = (0..<regions).map { regions - $0 + regions / 2 }
        let total = weights.reduce(0, +)
        values = candidates.map { _ in
            var draw = Int.random(in: 0..<total, using: &random)
            for (region, weight) in weights.enumerated() {
                if draw < weight { return region }
                draw -= weight
            }
            return regions - 1
        }
        var history = Pairing(groupSize: groupSize, policy: .mix, met: [], blocked: [])
        for _ in 0..<priorRounds {
            let round = history.makeGroups(candidates: candidates, values: values, random: &random)
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
        return pairing.makeGroups(candidates: candidates, values: values, random: &random).groups.count
    }

    /// Repeated pairs (already met) in one round; zero is the expectation for large populations.
    public func repeats(seed: UInt64) -> Int {
        var random = SeededRandom(seed: seed)
        let groups = pairing.makeGroups(candidates: candidates, values: values, random: &random).groups
        var count = 0
        for group in groups {
            for (position, a) in group.enumerated() {
                for b in group[(position + 1)...] where pairing.met.contains(pairKey(a, b)) { count += 1 }
            }
        }
        return count
    }
}

