import EventLoop
import Foundation
import MingleTestSupport
import Mingling
import Testing
@testable import MingleServer

/// A start reads the connection log in chunks, backwards to the previous server's `started` line and
/// then forwards (a day's log is tens of MB): whatever the chunk size, it sees the lines the file
/// holds, and recovers what reading the whole file would.
@Suite struct ConnectionLogReadingTests {
    static func write(_ text: String, to path: String) throws -> ReadableFile {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return try #require(try ReadableFile(path: path))
    }

    /// Lines of random lengths (empty ones, long ones, a torn last one, with or without a final newline).
    static func randomText(_ random: inout SplitMix64) -> String {
        let count = Int.random(in: 0...40, using: &random)
        var text = (0..<count).map { i -> String in
            let length = Int.random(in: 0...(i % 7 == 0 ? 300 : 40), using: &random)
            return "\(i):" + String(repeating: "x", count: length)
        }.joined(separator: "\n")
        if Bool.random(using: &random) { text += "\n" }
        return text
    }

    @Test func everyChunkSizeSeesTheSameLinesForwardsAndBackwards() throws {
        let dir = TemporaryDirectory()
        var random = SplitMix64(seed: 12)
        for round in 0..<60 {
            let text = Self.randomText(&random)
            let file = try Self.write(text, to: dir.path + "/log-\(round).jsonl")
            let expected = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            for chunk in [1, 2, 3, 7, 64, 1 << 20] {
                var forwards: [String] = []
                try ConnectionLogFile.forEachLine(in: file, from: 0, chunkBytes: chunk) { line in
                    if !line.isEmpty { forwards.append(String(decoding: line, as: UTF8.self)) }
                }
                #expect(forwards == expected, "chunk \(chunk)")
                var backwards: [String] = []
                try ConnectionLogFile.forEachLineBackwards(in: file, chunkBytes: chunk) { line in
                    backwards.append(String(decoding: line, as: UTF8.self))
                    return true
                }
                #expect(backwards == expected.reversed(), "chunk \(chunk)")
                // Stopping at a line gives its offset: reading forwards from there starts with it.
                if let target = expected.indices.randomElement(using: &random) {
                    var seen = 0
                    let offset = try ConnectionLogFile.forEachLineBackwards(in: file, chunkBytes: chunk) { _ in
                        seen += 1
                        return seen < expected.count - target
                    }
                    var first: String?
                    try ConnectionLogFile.forEachLine(in: file, from: try #require(offset), chunkBytes: chunk) { line in
                        if first == nil { first = String(decoding: line, as: UTF8.self) }
                    }
                    #expect(first == expected[target], "chunk \(chunk)")
                }
            }
        }
    }

    /// A log of several runs (connections left open, repeated ids, upgrades, joins): the start recovers
    /// the same closures as replaying the whole text since the last `started` line, with a 64-byte chunk.
    @Test func chunkedRecoveryClosesWhatTheWholeTextWould() throws {
        let dir = TemporaryDirectory()
        var random = SplitMix64(seed: 3)
        for round in 0..<20 {
            var lines: [String] = []
            var t = Int64(1_796_029_200_000)
            for _ in 0..<Int.random(in: 1...120, using: &random) {
                t += Int64.random(in: 0...2_000, using: &random)
                let time = UTCTime.format(Timestamp(millisecondsSinceEpoch: t))
                let id = String(Int.random(in: 1...12, using: &random), radix: 16)
                switch Int.random(in: 0...9, using: &random) {
                case 0: lines.append(#"{"time":"\#(time)","event":"started","pid":1}"#)
                case 1...3: lines.append(#"{"time":"\#(time)","event":"accepted","conn":"\#(id)","listener":"tls"}"#)
                case 4: lines.append(#"{"time":"\#(time)","event":"upgrade","conn":"\#(id)","path":"/ws","status":101}"#)
                case 5: lines.append(#"{"time":"\#(time)","event":"joined","conn":"\#(id)","attendee":\#(id.count + 6)}"#)
                case 6...8: lines.append(#"{"time":"\#(time)","event":"closed","conn":"\#(id)","closedBy":"client"}"#)
                default: lines.append(#"{"time":"\#(time)","event":"request","conn":"\#(id)","userAgent":"x \"event\":\"started\"","status":200}"#)
                }
            }
            let text = lines.joined(separator: "\n") + "\n"
            let start = lines.lastIndex { $0.contains(#""event":"started""#) } ?? 0
            var privacy = AddressPrivacy(mode: .off)
            let expected = ConnectionLogRecovery.closures(for: lines[start...].compactMap { ConnectionLogRecovery.parse(Substring($0)) })
                .map { $0.jsonLine(privacy: &privacy) }

            let file = try Self.write(text, to: dir.path + "/run-\(round).jsonl")
            let found = try ConnectionLogFile.lastStart(in: [file], chunkBytes: 64)
            var replay = ConnectionLogRecovery.Replay()
            try ConnectionLogFile.forEachLine(in: file, from: found?.offset ?? 0, chunkBytes: 64) { line in
                if let parsed = ConnectionLogRecovery.parse(line) { replay.take(parsed) }
            }
            #expect(replay.finish().map { $0.jsonLine(privacy: &privacy) } == expected, "round \(round)")
        }
    }

    @Test func logTimesReadBackExactlyAndMalformedOnesAreRefused() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<2_000 {
            let t = Timestamp(millisecondsSinceEpoch: Int64.random(in: 0...4_102_444_800_000, using: &random))
            #expect(UTCTime.parseFormatted(Substring(UTCTime.format(t))) == t)
        }
        for bad in ["2026-02-29T10:00:00.000Z", "2026-13-01T10:00:00.000Z", "2026-11-30T24:00:00.000Z",
                    "2026-11-30T09:60:00.000Z", "2026-11-30T09:05:00.7", "2026-11-30 09:05:00.000Z", "2026-11-30T09:05:00.0a0Z",
                    "2026-11-30T09:05:00.000+", "", "not a time at all, no!!"] {
            #expect(UTCTime.parseFormatted(Substring(bad)) == nil, "\(bad)")
        }
        #expect(UTCTime.parseFormatted("2028-02-29T23:59:59.999Z") == Timestamp(millisecondsSinceEpoch: 1_835_481_599_999))
    }
}
