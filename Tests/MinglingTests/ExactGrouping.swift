@testable import Mingling

/// Exhaustive answers for small populations (n <= 10), to hold the engine's heuristics against.
enum ExactGrouping {
    /// Whether `count` people can be split into groups of 2...`maxSize` that each pass `shares` (a property that
    /// only gets harder as a group grows, as "everyone speaks one language" does).
    static func canAllShare(_ count: Int, maxSize: Int, shares: ([Int]) -> Bool) -> Bool {
        var used = Array(repeating: false, count: count)
        var block: [Int] = []
        func place() -> Bool {
            guard let first = used.firstIndex(of: false) else { return true }
            used[first] = true
            block = [first]
            let found = extend(after: first)
            used[first] = false
            return found
        }
        func extend(after last: Int) -> Bool {
            if block.count >= 2 {
                let saved = block
                if place() { return true }
                block = saved
            }
            guard block.count < maxSize else { return false }
            for next in (last + 1)..<max(last + 1, count) where !used[next] {
                block.append(next)
                if shares(block) {
                    used[next] = true
                    if extend(after: next) { return true }
                    used[next] = false
                }
                block.removeLast()
            }
            return false
        }
        return place()
    }

    /// The grouping with exactly these group sizes that is best by `score` (compared lexicographically, higher
    /// first), and its score.
    static func best(_ count: Int, sizes: [Int], score: ([[Int]]) -> [Int]) -> (groups: [[Int]], score: [Int]) {
        var best: (groups: [[Int]], score: [Int])?
        var used = Array(repeating: false, count: count)
        var groups: [[Int]] = []
        var remaining = sizes.sorted()
        func place() {
            guard let first = used.firstIndex(of: false) else {
                let s = score(groups)
                if best == nil || best!.score.lexicographicallyPrecedes(s) { best = (groups, s) }
                return
            }
            for size in Set(remaining).sorted() {
                remaining.remove(at: remaining.firstIndex(of: size)!)
                used[first] = true
                choose([first], size: size, after: first)
                used[first] = false
                remaining.append(size)
                remaining.sort()
            }
        }
        func choose(_ block: [Int], size: Int, after last: Int) {
            if block.count == size {
                groups.append(block)
                place()
                groups.removeLast()
                return
            }
            for next in (last + 1)..<max(last + 1, count) where !used[next] {
                used[next] = true
                choose(block + [next], size: size, after: next)
                used[next] = false
            }
        }
        place()
        return best!
    }
}
