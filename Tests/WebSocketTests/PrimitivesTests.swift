import Testing
import MingleTestSupport
@testable import WebSocket

@Suite struct PrimitivesTests {
    @Test func sha1KnownAnswers() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex(SHA1.digest(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.digest([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    // RFC 4648 §10 test vectors.
    @Test func base64Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        for bad in ["Zg=", "Zg===", "Z===", "Zh==", "Zm9=v", "Zm 9", "Zm9v\n"] { #expect(Base64.decode(bad) == nil, "\(bad)") }
    }

    @Test func unmaskingMatchesBytewiseAtEveryPhaseAndLength() {
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        let source = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for phase in 0..<4 {
            for count in 0...40 {
                var destination = [UInt8](repeating: 0, count: count)
                source.withUnsafeBytes { s in
                    destination.withUnsafeMutableBytes { d in
                        guard let base = d.baseAddress else { return }
                        Masking.unmaskCopy(from: s.baseAddress!, to: base, count: count, key: Masking.key(key[0], key[1], key[2], key[3]), phase: phase)
                    }
                }
                let expected = (0..<count).map { source[$0] ^ key[($0 + phase) % 4] }
                #expect(destination == expected, "phase \(phase) count \(count)")
            }
        }
    }

    @Test func utf8ValidatorAgreesWithStandardLibrary() {
        var rng = SplitMix64(seed: 42)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &rng)
            let bytes = (0..<length).map { _ in interesting.randomElement(using: &rng)! }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            #expect(bytes.withUnsafeBytes { UTF8Validator.isValid($0) } == expected, "\(bytes)")
            // Fed in two pieces at every split, the verdict is the same.
            for split in 0...length {
                var validator = UTF8Validator()
                let ok = bytes.withUnsafeBytes { all -> Bool in
                    let a = UnsafeRawBufferPointer(rebasing: all[..<split]), b = UnsafeRawBufferPointer(rebasing: all[split...])
                    return (a.isEmpty || validator.validate(a.baseAddress!, count: a.count))
                        && (b.isEmpty || validator.validate(b.baseAddress!, count: b.count)) && validator.isComplete
                }
                #expect(ok == expected)
            }
        }
    }

    @Test func utf8FastPathOnLongText() {
        let ascii = Array(String(repeating: "0123456789abcdef", count: 100).utf8)
        let mixed = Array((String(repeating: "abcdefghijklmnopq", count: 10) + "κόσμε" + String(repeating: "z", count: 33)).utf8)
        #expect(ascii.withUnsafeBytes { UTF8Validator.isValid($0) })
        #expect(mixed.withUnsafeBytes { UTF8Validator.isValid($0) })
        var broken = ascii
        broken[1000] = 0x80
        #expect(!broken.withUnsafeBytes { UTF8Validator.isValid($0) })
    }

    @Test func closeCodeMapping() {
        #expect(CloseCode(for: .unmaskedClientFrame) == .protocolError)
        #expect(CloseCode(for: .invalidUTF8) == .invalidPayloadData)
        #expect(CloseCode(for: .corruptCompressedData) == .invalidPayloadData)
        #expect(CloseCode(for: .frameTooBig(length: 1, limitBytes: 0)) == .messageTooBig)
        #expect(CloseCode(for: .messageTooBig(limitBytes: 0)) == .messageTooBig)
        #expect(CloseCode(for: .tooManyFragments(limit: 1)) == .policyViolation)
        #expect(!CloseCode.noStatusReceived.isAllowedOnWire)
        #expect(!CloseCode.abnormalClosure.isAllowedOnWire)
        #expect(!CloseCode.tlsHandshake.isAllowedOnWire)
    }
}
