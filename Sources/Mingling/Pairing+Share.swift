/// Grouping under a `share` rule: every group is made of people who all gave one value (their "home"), so it
/// shares at least that value.
///
/// Homes are chosen in steps, each keeping what the earlier ones achieved:
///   1. a value only one person present gave is useless (nobody to share it with); someone with no other value
///      shares nothing with anyone ("alone") and waits in the pool;
///   2. someone with one useful value has that home; the others ("flexible"), in random order, take the value
///      where they rescue someone who would be alone in a home, else where they give someone a partner they have
///      not met yet (in a small home, where people may have met everyone they could pair with), else the most
///      widely given one
///      (English, say: the largest homes leave the most choice);
///   3. passes move flexible people to another of their values when that gives fresh partners or more mixing
///      (a home of n people with at most L giving the same answer to the next rule can mix min(n / size, n - L)
///      groups): a Dutch speaker from Madrid moves from English to Dutch, where they can pair with a Dutch
///      speaker who has no other language;
///   4. a home left with a single person is repaired: the person moves to another home, or someone moves in
///      from a home that can spare them, following chains of moves (a breadth-first search over homes); in a
///      small population whatever is left is settled by trying every choice of the flexible people.
/// Each home is then grouped on its own (`Pairing.groupTogether`), and the pool is placed last.
extension Pairing {
    func groupByHome<R: RandomNumberGenerator>(candidates: [AttendeeID], random: inout R) -> Draft {
        let first = preferenceRules.first
        var homes = HomeAssignment(
            share: shareRule!, mix: first?.policy == .mix ? first : nil, groupSize: groupSize, candidates: candidates, met: met)
        homes.assign(random: &random)
        var draft = Draft(groups: [], unplaced: [])
        var pool = homes.pool
        for members in homes.homeMembers() {
            guard members.count >= 2 else { pool += members; continue }
            let part = groupTogether(members, candidates: candidates, random: &random)
            draft.groups += part.groups
            pool += part.unplaced
        }
        placePool(pool.sorted(), into: &draft, homes: homes, candidates: candidates, random: &random)
        return draft
    }

    /// Everyone without a place yet. Someone who shares a value with a group that has room joins it (it still
    /// shares); the rest are grouped among themselves in groups as large as allowed (their groups share nothing,
    /// but nobody is left out);
    /// one left over joins any group with room, or pairs with someone taken from a group of three or more.
    private func placePool<R: RandomNumberGenerator>(
        _ pool: [Int], into draft: inout Draft, homes: HomeAssignment, candidates: [AttendeeID], random: inout R
    ) {
        guard !pool.isEmpty else { return }
        let limit = Pairing.maximumGroupSize(target: groupSize)
        let share = shareRule!
        var rest: [Int] = []
        for person in pool {
            let target = homes.isAlone(person) ? nil : draft.groups.indices.first { index in
                draft.groups[index].count < limit && share.sharesValue(draft.groups[index] + [person])
                    && fits(person, draft.groups[index], candidates: candidates, allowMet: false)
            }
            if let target { draft.groups[target].append(person) } else { rest.append(person) }
        }
        if rest.count >= 2 {
            // Groups as large as allowed: each of these shares nothing, so the fewer the better.
            var largeGroups = self
            largeGroups.groupSize = Pairing.maximumGroupSize(target: groupSize)
            let part = largeGroups.groupTogether(rest, candidates: candidates, random: &random)
            draft.groups += part.groups
            rest = part.unplaced
        }
        guard !rest.isEmpty else { return }
        let start = draft.groups.isEmpty ? 0 : Int.random(in: 0..<draft.groups.count, using: &random)
        let order = Array(draft.groups.indices[start...]) + Array(draft.groups.indices[..<start])
        for person in rest {
            var placed = false
            for allowMet in [false, true] where !placed {
                if let target = order.first(where: { draft.groups[$0].count < limit
                    && fits(person, draft.groups[$0], candidates: candidates, allowMet: allowMet) }) {
                    draft.groups[target].append(person)
                    placed = true
                } else if let target = order.first(where: { draft.groups[$0].count >= 3 }),
                          let taken = draft.groups[target].lastIndex(where: {
                              fits(person, [$0], candidates: candidates, allowMet: allowMet) }) {
                    let partner = draft.groups[target].remove(at: taken)
                    draft.groups.append([partner, person])
                    placed = true
                }
            }
            if !placed { draft.unplaced.append(person) }
        }
    }

    private func fits(_ person: Int, _ group: [Int], candidates: [AttendeeID], allowMet: Bool) -> Bool {
        group.allSatisfy { other in
            let conflict = conflicts(candidates[person], candidates[other])
            return !conflict.blocked && (allowMet || !conflict.met)
        }
    }
}
