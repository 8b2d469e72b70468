/// One rule as the grouping sees it: every candidate's answer as indices of the attribute's declared values,
/// in the candidates' order.
struct PairingRuleInput: Equatable {
    var policy: PairingPolicy
    /// Per candidate, equal for identical answers (an unanswered attribute is an answer of its own):
    /// what `mix` and `same` compare.
    var keys: [Int]
    var keyCount: Int
    /// Per candidate, the values it gave, sorted: `values[starts[i]..<starts[i + 1]]` (what `share` looks at).
    var starts: [Int]
    var values: [Int]
    var valueCount: Int

    /// One value (or -1, none) per candidate.
    init(policy: PairingPolicy, single: [Int], valueCount: Int) {
        self.policy = policy
        self.valueCount = valueCount
        keyCount = valueCount + 1
        keys = single.map { $0 >= 0 ? $0 : valueCount }
        var starts = [0]
        var values: [Int] = []
        starts.reserveCapacity(single.count + 1)
        values.reserveCapacity(single.count)
        for value in single {
            if value >= 0 { values.append(value) }
            starts.append(values.count)
        }
        self.starts = starts
        self.values = values
    }

    /// Any number of values per candidate (a `multiple` attribute).
    init(policy: PairingPolicy, answers: [[Int]], valueCount: Int) {
        guard answers.contains(where: { $0.count > 1 }) else {
            self.init(policy: policy, single: answers.map { $0.first ?? -1 }, valueCount: valueCount)
            return
        }
        self.init(policy: policy, single: [], valueCount: valueCount)
        var starts = [0]
        var values: [Int] = []
        var keyOf: [[Int]: Int] = [:]
        var keys: [Int] = []
        for answer in answers {
            let sorted = answer.sorted()
            values += sorted
            starts.append(values.count)
            if let key = keyOf[sorted] {
                keys.append(key)
            } else {
                keyOf[sorted] = keyOf.count
                keys.append(keyOf.count - 1)
            }
        }
        self.keys = keys
        keyCount = keyOf.count
        self.starts = starts
        self.values = values
    }

    /// A rule that looks at nothing (`any`).
    init(ignoring policy: PairingPolicy = .any) {
        self.init(policy: policy, single: [], valueCount: 0)
    }

    func answer(_ candidate: Int) -> ArraySlice<Int> { values[starts[candidate]..<starts[candidate + 1]] }

    /// Whether some value was given by every member of `group`.
    func sharesValue(_ group: [Int]) -> Bool {
        guard let first = group.first else { return false }
        for value in answer(first) where group.dropFirst().allSatisfy({ answer($0).contains(value) }) { return true }
        return false
    }

    /// Whether `group` satisfies the rule (an `any` rule always is).
    func isSatisfied(by group: [Int]) -> Bool {
        switch policy {
        case .share: return sharesValue(group)
        case .mix: return group.contains { keys[$0] != keys[group[0]] }
        case .same: return group.allSatisfy { keys[$0] == keys[group[0]] }
        case .any: return true
        }
    }
}
