import Mingling

/// The tests' seeded generator for property tests and random payloads: the engine's own
/// `SeededRandom` (SplitMix64), so there is one implementation.
public typealias SplitMix64 = SeededRandom

extension SeededRandom {
    /// `count` pseudo-random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}
