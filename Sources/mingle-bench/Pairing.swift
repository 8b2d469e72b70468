import ArgumentParser
import Foundation
import Mingling

/// `mingle-bench pairing`: times one round of grouping for N attendees with history (no network): under
/// `mix` by region, or with `--rules 3` under `share` languages, `mix` region, `mix` attendance. Prints per-run
/// milliseconds on stderr and a JSON line with the median and the round's quality per rule.
struct Pairing: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the pairing of N attendees (mix by region, or share languages + mix region + mix attendance, with earlier rounds of history).")

    @Option(help: "Attendees.") var attendees = 10_000
    @Option(help: "Regions (skewed: the largest holds about a third).") var regions = 8
    @Option(help: "Earlier rounds already met.") var priorRounds = 3
    @Option(help: "Group size.") var groupSize = 2
    @Option(help: "Rules: 1 (mix region) or 3 (share languages, mix region, mix attendance).") var rules = 1
    @Option(help: "Timed runs.") var runs = 15

    func run() throws {
        guard (1...200_000).contains(attendees), (1...1000).contains(regions), (0...50).contains(priorRounds),
              (2...6).contains(groupSize), (1...1000).contains(runs), [1, 3].contains(rules) else {
            throw ValidationError("out of bounds: attendees 1...200000, regions 1...1000, prior rounds 0...50, group size 2...6, runs 1...1000, rules 1 or 3")
        }
        let setupStart = ContinuousClock.now
        let bench = PairingBenchmark(
            attendees: attendees, regions: regions, priorRounds: priorRounds, groupSize: groupSize, rules: rules)
        FileHandle.standardError.write(Data("setup (history of \(priorRounds) rounds): \(ms(ContinuousClock.now - setupStart)) ms\n".utf8))
        var times: [Double] = []
        var groups = 0
        for i in 0..<runs {
            let start = ContinuousClock.now
            groups = bench.run(seed: UInt64(1000 + i))
            times.append(ms(ContinuousClock.now - start))
        }
        let check = bench.check(seed: 7)
        let quality = check.quality.map { "{\"satisfied\":\($0.satisfied),\"best\":\($0.best),\"groups\":\($0.groups)}" }
        times.sort()
        let median = times[times.count / 2]
        FileHandle.standardError.write(Data("runs (ms): \(times.map { String(format: "%.2f", $0) }.joined(separator: " "))\n".utf8))
        print("{\"scenario\":\"pairing\",\"attendees\":\(attendees),\"regions\":\(regions),\"priorRounds\":\(priorRounds),"
            + "\"groupSize\":\(groupSize),\"rules\":\(rules),\"groups\":\(groups),\"repeatedPairs\":\(check.repeats),"
            + "\"quality\":[\(quality.joined(separator: ","))],"
            + "\"medianMs\":\(String(format: "%.3f", median)),\"maxMs\":\(String(format: "%.3f", times.last!))}")
    }

    private func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
