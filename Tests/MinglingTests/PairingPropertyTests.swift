import Testing
import MingleTestSupport
@testable import Mingling

/// Invariants over many random populations: sizes 0...2,000, skewed region mixes, several rounds of history.
@Suite struct PairingPropertyTests {
    /// The policies of a one-rule plan written before `share` existed (the properties below are theirs; `share`
    /// has its own in ShareRuleTests).
    static let onePolicyForms: [PairingPolicy] = [.mix, .same, .any]

    struct Population {
        var candidates: [AttendeeID]
        var values: [Int]
    }

    /// Skew: region r is drawn with weight skew^r, so high skew puts nearly everyone in region 0.
    func population(size: Int, regions: Int, skew: Double, random: inout SplitMix64) -> Population {
        let weights = (0..<regions).map { 1.0 / pow(skew, Double($0)) }
        let total = weights.reduce(0, +)
        let values = (0..<size).map { _ -> Int in
            var draw = Double.random(in: 0..<total, using: &random)
            for (region, weight) in weights.enumerated() {
                if draw < weight { return region }
                draw -= weight
            }
            return regions - 1
        }
        return Population(candidates: (0..<size).map { AttendeeID(UInt32($0 + 1)) }, values: values)
    }

    func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= base }
        return result
    }

    @Test(arguments: [0, 1, 2, 3, 5, 7, 10, 33, 100, 501, 2_000])
    func everyonePlacedOnceWithinBoundsAndNoAvoidableRepeats(size: Int) {
        for seed in 0..<(size > 500 ? 3 : 12) as Range<UInt64> {
            var random = SplitMix64(seed: seed &* 7919 &+ UInt64(size))
            let groupSize = Int.random(in: 2...6, using: &random)
            let policy = Self.onePolicyForms.randomElement(using: &random)!
            let skew = [1.0, 2.0, 5.0, 50.0].randomElement(using: &random)!
            let people = population(size: size, regions: Int.random(in: 1...7, using: &random), skew: skew, random: &random)
            var met: Set<UInt64> = []
            let rounds = 3
            for round in 0..<rounds {
                let pairing = Pairing(groupSize: groupSize, policy: policy, met: met, blocked: [])
                let result = pairing.makeGroups(candidates: people.candidates, values: people.values, random: &random)
                let placed = result.groups.flatMap { $0 } + result.unplaced
                #expect(placed.sorted() == people.candidates, "each placed exactly once")
                #expect(result.unplaced.count == (size == 1 ? 1 : 0))
                for group in result.groups {
                    #expect(group.count >= 2 && group.count <= Pairing.maximumGroupSize(target: groupSize))
                }
                // Each person has met at most rounds*(maxGroup-1) others; with this many people a fresh
                // grouping always exists, so no pair may repeat.
                let repeats = result.groups.reduce(0) { total, group in
                    total + pairs(group).filter { met.contains($0) }.count
                }
                if size >= 8 * groupSize * (round + 1) {
                    #expect(repeats == 0, "size \(size) group \(groupSize) round \(round) seed \(seed)")
                }
                for group in result.groups { met.formUnion(pairs(group)) }
            }
        }
    }

    @Test(arguments: [2, 9, 40, 333, 2_000])
    func mixGroupsSpanValuesWheneverPossible(size: Int) {
        for seed in 0..<10 as Range<UInt64> {
            var random = SplitMix64(seed: seed &+ 1000)
            let groupSize = Int.random(in: 2...6, using: &random)
            let skew = [1.0, 3.0, 20.0].randomElement(using: &random)!
            let people = population(size: size, regions: Int.random(in: 2...7, using: &random), skew: skew, random: &random)
            let pairing = Pairing(groupSize: groupSize, policy: .mix, met: [], blocked: [])
            let result = pairing.makeGroups(candidates: people.candidates, values: people.values, random: &random)
            var counts: [Int: Int] = [:]
            for value in people.values { counts[value, default: 0] += 1 }
            let largest = counts.values.max() ?? 0
            // A group is single-valued only if it is made of the largest region's surplus: at least
            // min(groups, others) groups can include someone from elsewhere.
            let spanning = result.groups.filter { group in
                Set(group.map { people.values[Int($0.rawValue) - 1] }).count > 1
            }.count
            #expect(spanning >= min(result.groups.count, size - largest), "size \(size) seed \(seed)")
        }
    }

    /// Many populations of random size (mostly small, up to 2,000), policy, group size, skew and seed.
    @Test func manyRandomPopulations() {
        var dice = SplitMix64(seed: 2026)
        for _ in 0..<300 {
            let size = Bool.random(using: &dice) ? Int.random(in: 0...40, using: &dice)
                : Int.random(in: 0...(Int.random(in: 0...9, using: &dice) == 0 ? 2_000 : 300), using: &dice)
            let groupSize = Int.random(in: 2...6, using: &dice)
            let policy = Self.onePolicyForms.randomElement(using: &dice)!
            let skew = [1.0, 2.0, 4.0, 30.0].randomElement(using: &dice)!
            let people = population(size: size, regions: Int.random(in: 1...8, using: &dice), skew: skew, random: &dice)
            var met: Set<UInt64> = []
            for round in 0..<2 {
                let pairing = Pairing(groupSize: groupSize, policy: policy, met: met, blocked: [])
                let result = pairing.makeGroups(candidates: people.candidates, values: people.values, random: &dice)
                #expect((result.groups.flatMap { $0 } + result.unplaced).sorted() == people.candidates)
                #expect(result.unplaced.count == (size == 1 ? 1 : 0))
                #expect(result.groups.allSatisfy { $0.count >= 2 && $0.count <= Pairing.maximumGroupSize(target: groupSize) })
                let repeats = result.groups.reduce(0) { $0 + pairs($1).filter { met.contains($0) }.count }
                if size >= 8 * groupSize * (round + 1) { #expect(repeats == 0, "size \(size) group \(groupSize)") }
                if round == 0 && policy == .mix {
                    var counts: [Int: Int] = [:]
                    for value in people.values { counts[value, default: 0] += 1 }
                    let spanning = result.groups.filter { group in
                        Set(group.map { people.values[Int($0.rawValue) - 1] }).count > 1
                    }.count
                    #expect(spanning >= min(result.groups.count, size - (counts.values.max() ?? 0)))
                }
                if round == 0 && policy == .same {
                    // Buckets are drained one after another, so only groups at the seams mix values.
                    let mixed = result.groups.filter { group in
                        Set(group.map { people.values[Int($0.rawValue) - 1] }).count > 1
                    }.count
                    #expect(mixed <= max(0, Set(people.values).count - 1))
                }
                for group in result.groups { met.formUnion(pairs(group)) }
            }
        }
    }

    func pairs(_ group: [AttendeeID]) -> [UInt64] {
        var keys: [UInt64] = []
        for (position, a) in group.enumerated() {
            for b in group[(position + 1)...] { keys.append(pairKey(a, b)) }
        }
        return keys
    }
}

@Suite struct SmallPopulationRepeatTests {
    /// In small groups greedy choices matter most: with 6...12 people in pairs, three rounds always have a
    /// repeat-free grouping (the union of two perfect matchings leaves a graph that still has one).
    @Test(arguments: [6, 8, 10, 12, 13])
    func threeRoundsOfPairsWithoutRepeats(size: Int) {
        let people = (1...size).map { AttendeeID(UInt32($0)) }
        for seed in 0..<50 as Range<UInt64> {
            var random = SplitMix64(seed: seed)
            var met: Set<UInt64> = []
            for round in 0..<3 {
                let pairing = Pairing(groupSize: 2, policy: .mix, met: met, blocked: [])
                let values = people.map { Int($0.rawValue) % 3 }
                let result = pairing.makeGroups(candidates: people, values: values, random: &random)
                for group in result.groups {
                    for (position, a) in group.enumerated() {
                        for b in group[(position + 1)...] {
                            #expect(met.insert(pairKey(a, b)).inserted, "size \(size) seed \(seed) round \(round)")
                        }
                    }
                }
            }
        }
    }
}
