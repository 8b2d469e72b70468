import Testing
import MingleTestSupport
@testable import Mingling

@Suite struct PairingTests {
    func ids(_ count: Int) -> [AttendeeID] { (1...max(1, count)).prefix(count).map { AttendeeID(UInt32($0)) } }

    @Test func balancedGroupSizes() {
        #expect(Pairing.groupSizes(count: 10, target: 4) == [4, 3, 3])
        #expect(Pairing.groupSizes(count: 7, target: 2) == [3, 2, 2])
        #expect(Pairing.groupSizes(count: 3, target: 2) == [3])
        #expect(Pairing.groupSizes(count: 2, target: 6) == [2])
        #expect(Pairing.groupSizes(count: 7, target: 6) == [4, 3])
        #expect(Pairing.groupSizes(count: 1, target: 2) == [])
        #expect(Pairing.groupSizes(count: 0, target: 3) == [])
        for target in 2...6 {
            for count in 2...200 {
                let sizes = Pairing.groupSizes(count: count, target: target)
                #expect(sizes.reduce(0, +) == count)
                #expect(sizes.allSatisfy { $0 >= 2 && $0 <= Pairing.maximumGroupSize(target: target) })
                #expect(sizes.max()! - sizes.min()! <= 1)
            }
        }
    }

    @Test func oneAttendeeIsUnplacedAndNobodyIsAlone() {
        var random = SplitMix64(seed: 3)
        let pairing = Pairing(groupSize: 2, policy: .mix, met: [], blocked: [])
        let one = pairing.makeGroups(candidates: ids(1), values: [0], random: &random)
        #expect(one.groups.isEmpty && one.unplaced == ids(1))
        let none = pairing.makeGroups(candidates: [], values: [], random: &random)
        #expect(none.groups.isEmpty && none.unplaced.isEmpty)
        let odd = pairing.makeGroups(candidates: ids(5), values: [0, 1, 0, 1, 2], random: &random)
        #expect(odd.groups.map(\.count).sorted() == [2, 3])
    }

    @Test func mixPairsAcrossRegionsWhenPossible() {
        var random = SplitMix64(seed: 11)
        let pairing = Pairing(groupSize: 2, policy: .mix, met: [], blocked: [])
        // 10 from Viken, 10 from Madrid: every pair can and must be Viken + Madrid.
        let values = Array(repeating: 0, count: 10) + Array(repeating: 2, count: 10)
        let result = pairing.makeGroups(candidates: ids(20), values: values, random: &random)
        for group in result.groups {
            #expect(Set(group.map { values[Int($0.rawValue) - 1] }).count == 2)
        }
    }

    @Test func mixWithEveryoneFromOneRegionStillGroupsEveryone() {
        var random = SplitMix64(seed: 5)
        let pairing = Pairing(groupSize: 3, policy: .mix, met: [], blocked: [])
        let result = pairing.makeGroups(candidates: ids(11), values: Array(repeating: 4, count: 11), random: &random)
        #expect(result.unplaced.isEmpty)
        #expect(result.groups.map(\.count).sorted() == [2, 3, 3, 3])
    }

    @Test func sameKeepsRegionsTogether() {
        var random = SplitMix64(seed: 8)
        let pairing = Pairing(groupSize: 2, policy: .same, met: [], blocked: [])
        let values = [0, 1, 0, 1, 0, 1, 0, 1]
        let result = pairing.makeGroups(candidates: ids(8), values: values, random: &random)
        for group in result.groups {
            #expect(Set(group.map { values[Int($0.rawValue) - 1] }).count == 1)
        }
    }

    @Test func attendeesWithoutAValueAreGroupedToo() {
        var random = SplitMix64(seed: 9)
        let pairing = Pairing(groupSize: 2, policy: .mix, met: [], blocked: [])
        let result = pairing.makeGroups(candidates: ids(6), values: [-1, -1, 0, -1, 1, -1], random: &random)
        #expect(result.unplaced.isEmpty)
        #expect(result.groups.flatMap { $0 }.count == 6)
    }

    @Test func historyIsAvoidedInSmallPopulations() {
        // Four people, three rounds of pairs: the three perfect matchings of K4, no repeats at all.
        var met: Set<UInt64> = []
        var random = SplitMix64(seed: 21)
        for _ in 0..<3 {
            let pairing = Pairing(groupSize: 2, policy: .any, met: met, blocked: [])
            let result = pairing.makeGroups(candidates: ids(4), values: [0, 0, 0, 0], random: &random)
            for group in result.groups {
                #expect(!met.contains(pairKey(group[0], group[1])))
                met.insert(pairKey(group[0], group[1]))
            }
        }
        #expect(met.count == 6)
    }

    @Test func blockedPairsAreNeverGrouped() {
        var random = SplitMix64(seed: 2)
        let a = AttendeeID(1), b = AttendeeID(2)
        let pairing = Pairing(groupSize: 2, policy: .any, met: [], blocked: [pairKey(a, b)])
        let two = pairing.makeGroups(candidates: [a, b], values: [0, 0], random: &random)
        #expect(two.groups.isEmpty)
        #expect(two.unplaced == [a, b])
        for seed in 0..<50 as Range<UInt64> {
            random = SplitMix64(seed: seed)
            let three = pairing.makeGroups(candidates: ids(3), values: [0, 0, 0], random: &random)
            for group in three.groups { #expect(!(group.contains(a) && group.contains(b))) }
        }
    }

    @Test func sameSeedSameGroups() {
        let pairing = Pairing(groupSize: 3, policy: .mix, met: [], blocked: [])
        let values = (0..<300).map { $0 % 7 }
        var first = SplitMix64(seed: 77)
        var second = SplitMix64(seed: 77)
        #expect(pairing.makeGroups(candidates: ids(300), values: values, random: &first)
            == pairing.makeGroups(candidates: ids(300), values: values, random: &second))
    }

    @Test func benchmarkWorkloadHasNoRepeats() {
        let bench = PairingBenchmark(attendees: 2_000, regions: 6, priorRounds: 3, seed: 4)
        #expect(bench.run(seed: 1) == 1_000)
        #expect(bench.repeats(seed: 2) == 0)
    }
}
