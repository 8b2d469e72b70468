import Testing
import MingleTestSupport
@testable import HTTP1
import ByteText

/// The word-at-a-time scans must agree with the byte-by-byte rules they replace.
@Suite struct ScanningTests {
    @Test func lineFeedSearchMatchesANaiveScan() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let count = Int.random(in: 0...40, using: &random)
            let buffer = (0..<count).map { _ in
                Int.random(in: 0...9, using: &random) == 0 ? ASCII.lf : UInt8.random(in: 0...255, using: &random)
            }
            let start = Int.random(in: 0...count, using: &random)
            let end = Int.random(in: start...count, using: &random)
            let expected = buffer[start..<end].firstIndex(of: ASCII.lf)
            buffer.withUnsafeBytes { raw in
                #expect(RequestParser.firstLineFeed(in: raw, from: start, to: end) == expected)
            }
        }
    }

    @Test func everyControlByteAtEveryPositionOfALongValueIsRefused() {
        let forbidden = (UInt8(0)..<0x20).filter { $0 != ASCII.tab } + [0x7F]
        for byte in forbidden {
            for position in 0..<24 {
                var value = [UInt8](repeating: UInt8(ascii: "v"), count: 24)
                value[position] = byte
                let field = Array("X: a".utf8) + value + Array("z".utf8)
                field.withUnsafeBytes { raw in
                    let result = RequestParser.parseFieldLine(raw, isFirst: false)
                    #expect(throws: RequestError(.invalidHeaderValue)) { try result.get() }
                }
            }
        }
    }

    @Test func tabsAndHighBytesInsideLongValuesAreAllowed() {
        let allowed = [ASCII.tab, 0x20, 0x7E, 0x80, 0xC3, 0xFF]
        for byte in allowed {
            for position in 0..<24 {
                var value = [UInt8](repeating: UInt8(ascii: "v"), count: 24)
                value[position] = byte
                value.withUnsafeBytes { raw in
                    #expect(ASCII.allFieldValueChars(raw))
                }
            }
        }
    }

    @Test func whitespaceBeforeColonIsToldApartFromABadName() {
        func kind(_ line: String) -> RequestError.Kind? {
            Array(line.utf8).withUnsafeBytes { raw in
                if case .failure(let error) = RequestParser.parseFieldLine(raw, isFirst: false) { error.kind } else { nil }
            }
        }
        #expect(kind("Host \t : a") == .whitespaceBeforeColon)
        #expect(kind("Host x: a") == .invalidHeaderName)
        #expect(kind("Host ") == .invalidHeaderName)
        #expect(kind("Hos\u{1}t: a") == .invalidHeaderName)
        #expect(kind("Host:a") == nil)
    }
}
