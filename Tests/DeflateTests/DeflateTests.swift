import Testing
import MingleTestSupport
@testable import Deflate

func compress(_ bytes: [UInt8], with deflater: Deflater) -> [UInt8] {
    var out: [UInt8] = []
    bytes.withUnsafeBytes { deflater.compressMessage($0, appendingTo: &out) }
    return out
}

/// Inflates one message the RFC 7692 way: payload plus the 00 00 FF FF tail.
func inflateMessage(_ payload: [UInt8], with inflater: Inflater, limit: Int = 1 << 24) throws(InflateError) -> [UInt8] {
    var out: [UInt8] = []
    let input = payload + Inflater.messageTail
    let result = input.withUnsafeBytes { bytes in
        Result { () throws(InflateError) in try inflater.inflate(bytes, appendingTo: &out, limitBytes: limit) }
    }
    try result.get()
    inflater.finishMessage()
    return out
}

@Suite struct DeflateTests {
    static let hello = Array("Hello".utf8)
    static let helloDeflated: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]

    // RFC 7692 §7.2.3.1.
    @Test(arguments: [1, 6, 9])
    func helloKnownAnswer(level: Int) throws {
        let deflater = try Deflater(level: level, windowBits: 15, memoryLevel: 8)
        #expect(compress(Self.hello, with: deflater) == Self.helloDeflated)
        #expect(try inflateMessage(Self.helloDeflated, with: Inflater()) == Self.hello)
    }

    // RFC 7692 §7.2.3.2: the same message twice with context takeover.
    @Test func sharedWindowKnownAnswer() throws {
        let inflater = try Inflater()
        #expect(try inflateMessage(Self.helloDeflated, with: inflater) == Self.hello)
        #expect(try inflateMessage([0xF2, 0x00, 0x11, 0x00, 0x00], with: inflater) == Self.hello)
        let deflater = try Deflater(level: 6, windowBits: 15, memoryLevel: 8)
        #expect(compress(Self.hello, with: deflater) == Self.helloDeflated)
        #expect(compress(Self.hello, with: deflater) == [0xF2, 0x00, 0x11, 0x00, 0x00])
    }

    @Test func resetForgetsTheWindow() throws {
        let deflater = try Deflater()
        _ = compress(Self.hello, with: deflater)
        deflater.reset()
        #expect(compress(Self.hello, with: deflater) == Self.helloDeflated)
        let inflater = try Inflater()
        _ = try inflateMessage(Self.helloDeflated, with: inflater)
        inflater.reset()
        #expect(throws: InflateError.self) { try inflateMessage([0xF2, 0x00, 0x11, 0x00, 0x00], with: inflater) }
    }

    // RFC 7692 §7.2.3.3 (stored block), §7.2.3.4 (BFINAL set), §7.2.3.5 (two blocks).
    @Test(arguments: [
        [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00],
        [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00],
        [0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00],
    ] as [[UInt8]])
    func rfcExamples(_ payload: [UInt8]) throws {
        let inflater = try Inflater()
        #expect(try inflateMessage(payload, with: inflater) == Self.hello)
        // The stream keeps working for the next message, BFINAL included.
        #expect(try inflateMessage(Self.helloDeflated, with: inflater) == Self.hello)
    }

    // RFC 7692 §7.2.3.6: an empty message compresses to a single 00 octet.
    @Test func emptyMessage() throws {
        let deflater = try Deflater()
        #expect(compress([], with: deflater) == [0x00])
        _ = compress(Self.hello, with: deflater)
        // Right after a flush zlib would emit nothing at all.
        #expect(compress([], with: deflater) == [0x00])
        #expect(try inflateMessage([0x00], with: Inflater()) == [])
    }

    // zlib refuses raw deflate with an 8-bit window; the deflater uses 9 (distances <= 250).
    @Test func eightBitWindowBecomesNine() throws {
        let deflater = try Deflater(windowBits: 8)
        #expect(deflater.windowBits == 9)
        var rng = SplitMix64(seed: 3)
        let data = (0..<20_000).map { _ in UInt8.random(in: 0x61...0x64, using: &rng) }
        let payload = compress(data, with: deflater)
        #expect(try inflateMessage(payload, with: Inflater(windowBits: 8)) == data)
    }

    // A 16 MiB bomb stops at the limit plus at most one chunk.
    @Test func bombStopsAtLimit() throws {
        let deflater = try Deflater(level: 9, windowBits: 15, memoryLevel: 9)
        let bomb = compress([UInt8](repeating: 0, count: 16 << 20), with: deflater)
        #expect(bomb.count < 17_000)
        let inflater = try Inflater()
        var out: [UInt8] = []
        let limit = 1 << 20
        let result = bomb.withUnsafeBytes { bytes in
            Result { () throws(InflateError) in try inflater.inflate(bytes, appendingTo: &out, limitBytes: limit) }
        }
        #expect(throws: InflateError.outputLimitExceeded(limitBytes: limit)) { try result.get() }
        #expect(out.count <= limit + Inflater.chunkBytes)
        #expect(out.count > limit)
    }

    @Test func corruptInputIsATypedError() throws {
        #expect(throws: InflateError.corruptData(zlibCode: -3)) {
            try inflateMessage([0xFF, 0xFF, 0xFF, 0xFF, 0x00], with: Inflater())
        }
        // A reference beyond the start of the stream.
        #expect(throws: InflateError.self) { try inflateMessage([0xF2, 0x00, 0x11, 0x00, 0x00], with: Inflater()) }
    }

    @Test(arguments: 1...10)
    func roundTripRandomMessages(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let window = Int.random(in: 9...15, using: &rng)
        let deflater = try Deflater(level: Int.random(in: 1...9, using: &rng), windowBits: window, memoryLevel: Int.random(in: 1...9, using: &rng))
        let inflater = try Inflater(windowBits: window)
        for _ in 0..<20 {
            let length = [0, 1, 10, 1000, 40_000].randomElement(using: &rng)!
            let alphabet = UInt8.random(in: 1...255, using: &rng)
            let data = (0..<length).map { _ in UInt8.random(in: 0...alphabet, using: &rng) }
            #expect(try inflateMessage(compress(data, with: deflater), with: inflater) == data)
        }
    }

    @Test func inflateStepReportsProgress() throws {
        let inflater = try Inflater()
        var output = [UInt8](repeating: 0, count: 2)
        let input = Self.helloDeflated + Inflater.messageTail
        let step = try input.withUnsafeBytes { i in
            try output.withUnsafeMutableBytes { o in try inflater.inflate(i, into: o) }
        }
        #expect(step.produced == 2)
        #expect(output == Array("He".utf8))
    }
}


/// Regression (found by the FuzzInflate target): corrupt data after some valid output left the
/// step's reserved room, zero bytes, at the end of the output.
@Suite struct InflaterErrorTests {
    @Test func corruptDataLeavesOnlyInflatedBytes() throws {
        let inflater = try Inflater(windowBits: 15)
        let input: [UInt8] = [242, 72, 205, 201, 215, 168, 240, 144, 64, 46, 0] + Inflater.messageTail
        var output: [UInt8] = []
        var failed = false
        input.withUnsafeBytes { bytes in
            do {
                try inflater.inflate(bytes, appendingTo: &output, limitBytes: 256)
            } catch {
                failed = true
            }
        }
        #expect(failed)
        // A failed step leaves nothing of itself behind (this input fails in its first step).
        #expect(output.isEmpty, "got \(output.count) bytes after a failure")
    }
}
