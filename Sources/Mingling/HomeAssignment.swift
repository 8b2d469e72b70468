/// The home value of each candidate under a `share` rule (see `Pairing+Share.swift`).
struct HomeAssignment {
    let share: PairingRuleInput
    /// The first preference rule when it is `mix`: homes are chosen to leave its groups mixed.
    let mix: PairingRuleInput?
    let groupSize: Int
    let candidates: [AttendeeID]
    let met: Set<UInt64>
    /// Per value: how many candidates gave it.
    var speakers: [Int]
    /// Per value: the candidates who gave it (useful values only).
    var byValue: [[Int]]
    /// Per candidate: its home value, or -1 (in the pool).
    var home: [Int]
    /// Per value: how many have it as their home, and who (`slot`: each one's position in that list).
    var size: [Int]
    var members: [[Int]]
    var slot: [Int]
    var flexible: [Int] = []
    /// Candidates who share no value with anyone.
    var pool: [Int] = []
    /// Per value: how many of its home people gave each answer to the `mix` rule (at `value * keyCount +
    /// key`), the largest of those counts and how many answers have it.
    var answerCounts: [Int]
    let keyCount: Int
    var largest: [Int]
    var atLargest: [Int]

    /// Beyond this many flexible people the exhaustive last step is not tried.
    static let exhaustiveLimit = 14
    /// Homes up to this size are checked for people who could get no fresh partner in them (2^10 subsets).
    static let staleCheckLimit = 10

    init(share: PairingRuleInput, mix: PairingRuleInput?, groupSize: Int, candidates: [AttendeeID], met: Set<UInt64>) {
        self.share = share
        // Mixing is weighed only while its counts fit a table of a few million entries (a mix rule on a
        // `multiple` attribute may have as many distinct answers as people).
        self.mix = mix.flatMap { $0.keyCount * share.valueCount <= 4_000_000 ? $0 : nil }
        keyCount = self.mix?.keyCount ?? 0
        self.groupSize = groupSize
        self.candidates = candidates
        self.met = met
        let count = share.starts.count - 1
        members = Array(repeating: [], count: share.valueCount)
        slot = Array(repeating: -1, count: count)
        speakers = Array(repeating: 0, count: share.valueCount)
        for person in 0..<count { for value in share.answer(person) { speakers[value] += 1 } }
        byValue = Array(repeating: [], count: share.valueCount)
        home = Array(repeating: -1, count: count)
        size = Array(repeating: 0, count: share.valueCount)
        answerCounts = Array(repeating: 0, count: keyCount * share.valueCount)
        largest = Array(repeating: 0, count: share.valueCount)
        atLargest = Array(repeating: 0, count: share.valueCount)
        for person in 0..<count {
            let useful = usefulValues(of: person)
            for value in useful { byValue[value].append(person) }
            switch useful.count {
            case 0: pool.append(person)
            case 1: add(person, to: useful[0])
            default: flexible.append(person)
            }
        }
    }

    func usefulValues(of person: Int) -> [Int] { share.answer(person).filter { speakers[$0] >= 2 } }

    func isAlone(_ person: Int) -> Bool { !share.answer(person).contains { speakers[$0] >= 2 } }

    mutating func assign<R: RandomNumberGenerator>(random: inout R) {
        flexible.shuffle(using: &random)
        for person in flexible {
            var best: (value: Int, rank: (Int, Int, Int))?
            for value in share.answer(person) where speakers[value] >= 2 {
                let r = (size[value] == 1 ? 1 : 0, freshness(adding: person, to: value), speakers[value])
                if best == nil || r > best!.rank { best = (value, r) }
            }
            add(person, to: best!.value)
        }
        improveMixing(passes: 3)
        repairSingleHomes()
        if size.contains(1) && flexible.count <= Self.exhaustiveLimit { settleExhaustively() }
        improveMixing(passes: 1)
    }

    // MARK: Repeats

    /// In a small home, how far it is from a grouping without repeats: the larger of two shortfalls.
    /// - Pairing as many who have not met as possible (a maximum matching, by dynamic programming over
    ///   subsets), how many are left without a fresh partner (0 when everyone can be; otherwise an odd one out
    ///   counts too, so that the first newcomer to a home of three who all met is welcome).
    /// - People who all met each other (the largest such clique) need a group each: how many groups short of
    ///   that the home's size gives (three Norwegian-only speakers who met need three pairs, so six people).
    /// Larger homes always have fresh partners: 0.
    private func stale(_ home: [Int]) -> Int {
        guard home.count >= 2, home.count <= Self.staleCheckLimit else { return 0 }
        let n = home.count
        let perfect = n / 2
        var fresh = Array(repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n where j != i && !met.contains(pairKey(candidates[home[i]], candidates[home[j]])) { fresh[i] |= 1 << j }
        }
        let everyone = (1 << n) - 1
        if (0..<n).allSatisfy({ fresh[$0] | 1 << $0 == everyone }) { return 0 }
        // A clique is at most one plus the most anyone met here; only look for one that could be too large.
        let groups = Pairing.groupSizes(count: n, target: groupSize).count
        var groupShortfall = 0
        if 1 + (0..<n).map({ n - 1 - (fresh[$0] & ~(1 << $0)).nonzeroBitCount }).max()! > groups {
            // clique[mask]: everyone in `mask` met everyone else in it.
            var clique = Array(repeating: false, count: 1 << n)
            clique[0] = true
            var largestClique = 1
            for mask in 1..<(1 << n) {
                let i = mask.trailingZeroBitCount
                let rest = mask & ~(1 << i)
                clique[mask] = clique[rest] && fresh[i] & rest == 0
                if clique[mask] { largestClique = max(largestClique, mask.nonzeroBitCount) }
            }
            groupShortfall = max(0, largestClique - groups)
        }
        // Usually a greedy matching already pairs everyone freshly.
        var taken = 0, greedy = 0
        for i in 0..<n where taken & (1 << i) == 0 {
            let free = fresh[i] & ~taken & ~(1 << i)
            if free != 0 {
                taken |= 1 << i | 1 << free.trailingZeroBitCount
                greedy += 1
            }
        }
        if greedy == perfect { return groupShortfall }
        // pairs[mask]: the most fresh pairs among the people in `mask`.
        var pairs = Array(repeating: 0, count: 1 << n)
        for mask in 1..<(1 << n) {
            let i = mask.trailingZeroBitCount
            let rest = mask & ~(1 << i)
            var best = pairs[rest]
            var partners = fresh[i] & rest
            while partners != 0 {
                let j = partners.trailingZeroBitCount
                partners &= partners - 1
                best = max(best, 1 + pairs[rest & ~(1 << j)])
            }
            pairs[mask] = best
        }
        let most = pairs[everyone]
        return max(most == perfect ? 0 : n - 2 * most, groupShortfall)
    }

    /// How many fewer people of a small home would be left without a fresh partner with `person` there too.
    private func freshness(adding person: Int, to value: Int) -> Int {
        guard size[value] < Self.staleCheckLimit, !met.isEmpty else { return 0 }
        return stale(members[value]) - stale(members[value] + [person])
    }

    /// How many more people of a small home would be left without a fresh partner without `person`.
    private func staleness(removing person: Int, from value: Int) -> Int {
        guard size[value] <= Self.staleCheckLimit, !met.isEmpty else { return 0 }
        return stale(members[value].filter { $0 != person }) - stale(members[value])
    }

    // MARK: Mixing potential

    /// Mixed groups a home could hold, in people: min(n, size * (n - L)).
    private func potential(size n: Int, largest l: Int) -> Int { min(n, groupSize * (n - l)) }

    private func mixingGain(adding person: Int, to value: Int) -> Int {
        guard let mix else { return 0 }
        let count = answerCounts[value * keyCount + mix.keys[person]] + 1
        return potential(size: size[value] + 1, largest: max(largest[value], count))
            - potential(size: size[value], largest: largest[value])
    }

    private func mixingLoss(removing person: Int, from value: Int) -> Int {
        guard let mix else { return 0 }
        let count = answerCounts[value * keyCount + mix.keys[person]]
        let newLargest = count == largest[value] && atLargest[value] == 1 ? largest[value] - 1 : largest[value]
        return potential(size: size[value], largest: largest[value]) - potential(size: size[value] - 1, largest: newLargest)
    }

    private mutating func improveMixing(passes: Int) {
        guard mix != nil else { return }
        for _ in 0..<passes {
            var moved = false
            for person in flexible where home[person] >= 0 && size[home[person]] >= 3 {
                let current = home[person]
                let loss = mixingLoss(removing: person, from: current)
                let staleLoss = staleness(removing: person, from: current)
                var best: (value: Int, delta: (Int, Int))?
                for value in share.answer(person) where speakers[value] >= 2 && value != current && size[value] >= 1 {
                    let fresh = freshness(adding: person, to: value) - staleLoss
                    let delta = (fresh, mixingGain(adding: person, to: value) - loss)
                    if delta > (best?.delta ?? (0, 0)) { best = (value, delta) }
                }
                if let best {
                    remove(person)
                    add(person, to: best.value)
                    moved = true
                }
            }
            if !moved { return }
        }
    }

    // MARK: Bookkeeping

    mutating func add(_ person: Int, to value: Int) {
        home[person] = value
        size[value] += 1
        slot[person] = members[value].count
        members[value].append(person)
        guard let mix else { return }
        let key = mix.keys[person]
        answerCounts[value * keyCount + key] += 1
        let count = answerCounts[value * keyCount + key]
        if count > largest[value] {
            largest[value] = count
            atLargest[value] = 1
        } else if count == largest[value] {
            atLargest[value] += 1
        }
    }

    mutating func remove(_ person: Int) {
        let value = home[person]
        home[person] = -1
        size[value] -= 1
        let position = slot[person]
        _ = members[value].swapRemove(at: position)
        if position < members[value].count { slot[members[value][position]] = position }
        slot[person] = -1
        guard let mix else { return }
        let key = mix.keys[person]
        answerCounts[value * keyCount + key] -= 1
        let count = answerCounts[value * keyCount + key]
        if count + 1 == largest[value] {
            if atLargest[value] > 1 {
                atLargest[value] -= 1
            } else {
                largest[value] -= 1
                atLargest[value] = answerCounts[(value * keyCount)..<((value + 1) * keyCount)].count { $0 == largest[value] }
            }
        }
    }

    /// Each home's people, by value; a home of one is returned too (its person goes to the pool).
    func homeMembers() -> [[Int]] { members.filter { !$0.isEmpty }.map { $0.sorted() } }

    // MARK: Homes of one

    private mutating func repairSingleHomes() {
        for value in size.indices where size[value] == 1 { _ = repair(value) }
    }

    /// Gives the lone person of `start` company, or moves them away: a breadth-first search over homes that
    /// need one more person. Reaching a home that can spare someone (three or more, or one alone) ends a chain
    /// of moves; a home of two that gives someone away needs one more person itself, unless its remaining
    /// person can move to a home of two or more.
    private mutating func repair(_ start: Int) -> Bool {
        guard size[start] == 1, let lone = members[start].first else { return size[start] != 1 }
        if let other = usefulValues(of: lone).first(where: { $0 != start && size[$0] >= 1 }) {
            remove(lone)
            add(lone, to: other)
            return true
        }
        // parent[home] = (who moves from `home` into the home that needed them, that home)
        var parent: [Int: (person: Int, into: Int)] = [:]
        var visited: Set<Int> = [start]
        var queue = [start]
        var cursor = 0
        while cursor < queue.count {
            let needy = queue[cursor]
            cursor += 1
            for person in byValue[needy] where home[person] >= 0 && home[person] != needy {
                let from = home[person]
                guard !visited.contains(from) else { continue }
                if size[from] >= 3 || size[from] == 1 {
                    apply(person, from: from, into: needy, parent: parent)
                    return true
                }
                // `from` has two: its other person would be left alone...
                let remaining = members[from].first { $0 != person }!
                if let elsewhere = usefulValues(of: remaining).first(where: { $0 != from && !visited.contains($0) && size[$0] >= 2 }) {
                    // ...unless they can move to another home.
                    remove(remaining)
                    add(remaining, to: elsewhere)
                    apply(person, from: from, into: needy, parent: parent)
                    return true
                }
                visited.insert(from)
                parent[from] = (person, needy)
                queue.append(from)
            }
        }
        return false
    }

    /// Moves `person` from `from` into `into`, then each earlier move of the chain back to the start.
    private mutating func apply(_ person: Int, from: Int, into: Int, parent: [Int: (person: Int, into: Int)]) {
        remove(person)
        add(person, to: into)
        var needy = into
        while let step = parent[needy] {
            remove(step.person)
            add(step.person, to: step.into)
            needy = step.into
        }
    }

    /// Tries every home for the flexible people (in a small population) until no home holds one person.
    private mutating func settleExhaustively() {
        let people = flexible.sorted { usefulValues(of: $0).count < usefulValues(of: $1).count }
        let saved = (home, size, members, slot, answerCounts, largest, atLargest)
        for person in people { remove(person) }
        var budget = 200_000
        if !search(people, 0, budget: &budget) {
            (home, size, members, slot, answerCounts, largest, atLargest) = saved
        }
    }

    private mutating func search(_ people: [Int], _ next: Int, budget: inout Int) -> Bool {
        budget -= 1
        guard budget > 0 else { return false }
        if next == people.count { return !size.contains(1) }
        // A home of one nobody still to place can join is settled for good: prune.
        for value in size.indices where size[value] == 1
        && !people[next...].contains(where: { usefulValues(of: $0).contains(value) }) {
            return false
        }
        let person = people[next]
        for value in usefulValues(of: person).sorted(by: { size[$0] == 1 && size[$1] != 1 }) {
            add(person, to: value)
            if search(people, next + 1, budget: &budget) { return true }
            remove(person)
        }
        return false
    }
}
