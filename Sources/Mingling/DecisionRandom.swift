/// Randomness keyed by the decision it serves, not by the history before it.
///
/// Every random choice of the engine (who meets whom in a round, which prompt a breakout gets) draws from a
/// generator seeded with the event's seed and the decision's identity: the room, the session, the round and
/// the first breakout number. Reconnects, chat and other rooms' rounds therefore cannot change a room's next
/// pairing, and a server restarted from its journal makes exactly the choices the uninterrupted server would
/// have made (the end-to-end test compares both runs message by message).
public enum DecisionRandom {
    public static func generator(seed: UInt64, _ parts: [String], _ numbers: [UInt64]) -> SeededRandom {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a: Swift's Hasher is seeded per process
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for part in parts {
            for byte in part.utf8 { mix(byte) }
            mix(0xFF)
        }
        for number in numbers {
            for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
        }
        var generator = SeededRandom(seed: seed ^ hash)
        _ = generator.next()
        return generator
    }
}
