/// Latency samples in microseconds; percentiles by sorting once at the end (runs are bounded,
/// so keeping every sample is cheaper and exact compared with a histogram).
public struct Latencies {
    public private(set) var samples: [UInt32] = []
    public init() { samples.reserveCapacity(1 << 16) }

    public mutating func record(_ d: Duration) {
        let (s, atto) = d.components
        let us = s * 1_000_000 + atto / 1_000_000_000_000
        samples.append(UInt32(clamping: max(0, us)))
    }

    public mutating func record(microseconds us: Int64) { samples.append(UInt32(clamping: max(0, us))) }

    public var count: Int { samples.count }

    /// Percentiles (0...100) in microseconds, plus the maximum; zeros when empty.
    public func summary(_ ps: [Double]) -> [String: Double] {
        var out: [String: Double] = [:]
        guard !samples.isEmpty else {
            for p in ps { out["p\(Self.name(p))"] = 0 }
            out["max"] = 0
            return out
        }
        let sorted = samples.sorted()
        for p in ps {
            let i = min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)
            out["p\(Self.name(p))"] = Double(sorted[max(0, i)])
        }
        out["max"] = Double(sorted.last!)
        return out
    }

    static func name(_ p: Double) -> String {
        p == p.rounded() ? String(Int(p)) : String(p).split(separator: ".").joined(separator: "_")
    }
}

extension Duration {
    public var microseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000 + atto / 1_000_000_000_000
    }
    public var secondsDouble: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
