#if canImport(Glibc)
import Glibc
#endif
import EventLoop

/// Event-loop lag: every loop schedules a probe every `interval` and records how late it ran.
/// A loop busy with a long callback (a big TLS handshake burst, a slow disk) shows up here
/// before users notice. Samples feed a fixed-bucket histogram (`/metrics`) and a ring of the
/// most recent samples (the dashboard's p99).
final class LoopLagRecorder: Sendable {
    /// Histogram upper bounds in seconds (Prometheus `le`).
    static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
    /// Recent samples kept for the p99: about a minute and a half with three loops (two connection
    /// loops and the hub) probing twice a second.
    static let recentCapacity = 512

    private struct State {
        var buckets = [Int](repeating: 0, count: LoopLagRecorder.bucketBounds.count)
        var count = 0
        var sumMicroseconds = 0
        var recent: [Int32] = []
        var next = 0
    }
    /// Two samples a second per loop: a lock costs nothing here and keeps the numbers consistent.
    private let state = Locked(State())

    func record(_ lag: Duration) {
        let micros = max(0, Int(lag.components.seconds) * 1_000_000 + Int(lag.components.attoseconds / 1_000_000_000_000))
        let seconds = Double(micros) / 1e6
        state.withLock { s in
            if let i = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { s.buckets[i] += 1 }
            s.count += 1
            s.sumMicroseconds += micros
            let v = Int32(clamping: micros)
            if s.recent.count < Self.recentCapacity { s.recent.append(v) } else { s.recent[s.next] = v }
            s.next = (s.next + 1) % Self.recentCapacity
        }
    }

    /// Cumulative counts per bound (+Inf is `count`), the count and the sum in seconds.
    var histogram: (cumulative: [Int], count: Int, sumSeconds: Double) {
        state.withLock { s in
            var total = 0
            return (s.buckets.map { total += $0; return total }, s.count, Double(s.sumMicroseconds) / 1e6)
        }
    }

    /// The 99th percentile of the recent samples, in milliseconds.
    var recentP99Milliseconds: Double {
        let sorted = state.withLock { $0.recent }.sorted()
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1000
    }
}

enum LoopLagProbe {
    static let interval: Duration = .milliseconds(500)

    /// A probe for `loop` that runs while `isBusy` holds (poke it when work arrives). `tick`
    /// runs with each probe (other periodic bookkeeping that should not cost a timer of its own).
    static func make(on loop: EventLoop, recorder: LoopLagRecorder, isBusy: @escaping () -> Bool,
                     tick: ((EventLoop) -> Void)? = nil) -> WhileBusyTimer {
        WhileBusyTimer(loop: loop, interval: interval, isBusy: isBusy) { [unowned loop] planned in
            recorder.record(max(.zero, ContinuousClock.now - planned))
            tick?(loop)
        }
    }
}

/// Resident memory of this process, from /proc/self/statm (Linux); nil elsewhere.
enum ProcessMemory {
    static func residentBytes() -> Int? {
        guard let buffer = try? Files.readPrefix("/proc/self/statm", maxBytes: 128), !buffer.isEmpty else { return nil }
        // "size resident shared text lib data dt", in pages.
        let fields = buffer.split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
