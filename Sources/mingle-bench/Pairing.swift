import ArgumentParser
import Foundation
import Mingling

/// `mingle-bench pairing`: times one round of grouping for N attendees under `mix` with history
/// (no network). Prints per-run milliseconds on stderr and a JSON line with the median.
struct Pairing: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the pairing of N attendees (mix by region, with earlier rounds of history).")

    @Option(help: "Attendees.") var attendees = 10_000
    @Option(help: "Regions (skewed: the largest holds about a third).") var regions = 8
    @Option(help: "Earlier rounds already met.") var priorRounds = 3
    @Option(help: "Group size.") var groupSize = 2
    @Option(help: "Timed runs.") var runs = 15

    func run() throws {
        guard (1...200_000).contains(attendees), (1...1000).contains(regions), (0...50).contains(priorRounds),
              (2...6).contains(groupSize), (1...1000).contains(runs) else {
            throw ValidationError("out of bounds: attendees 1...200000, regions 1...1000, prior rounds 0...50, group size 2...6, runs 1...1000")
        }
        let setupStart = ContinuousClock.now
        let bench = PairingBenchmark(attendees: attendees, regions: regions, priorRounds: priorRounds, groupSize: groupSize)
        FileHandle.standardError.write(Data("setup (history of \(priorRounds) rounds): \(ms(ContinuousClock.now - setupStart)) ms\n".utf8))
        var times: [Double] = []
        var groups = 0
        for i in 0..<runs {
            let start = ContinuousClock.now
            groups = bench.run(seed: UInt64(1000 + i))
            times.append(ms(ContinuousClock.now - start))
        }
        let repeats = bench.repeats(seed: 7)
        times.sort()
        let median = times[times.count / 2]
        FileHandle.standardError.write(Data("runs (ms): \(times.map { String(format: "%.2f", $0) }.joined(separator: " "))\n".utf8))
        print("{\"scenario\":\"pairing\",\"attendees\":\(attendees),\"regions\":\(regions),\"priorRounds\":\(priorRounds),"
            + "\"groupSize\":\(groupSize),\"groups\":\(groups),\"repeatedPairs\":\(repeats),"
            + "\"medianMs\":\(String(format: "%.3f", median)),\"maxMs\":\(String(format: "%.3f", times.last!))}")
    }

    private func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
