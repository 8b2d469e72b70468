import Testing
import MingleTestSupport
@testable import QRCode

@Suite struct ReedSolomonTests {
    @Test func fieldIsGeneratedByAlphaModulo0x11D() {
        #expect(ReedSolomon.exponents[0] == 1)
        #expect(ReedSolomon.exponents[8] == 0x1D)      // α^8 = x^4 + x^3 + x^2 + 1
        #expect(ReedSolomon.exponents[255] == 1)       // the multiplicative group has order 255
        #expect(Set(ReedSolomon.exponents[0..<255]).count == 255)
        for a in 1...255 {
            let inverse = ReedSolomon.exponents[255 - ReedSolomon.logarithms[a]]
            #expect(ReedSolomon.multiply(UInt8(a), inverse) == 1)
        }
        #expect(ReedSolomon.multiply(0, 0x53) == 0)
    }

    /// ISO/IEC 18004 Annex A: g(x) for 7 codewords is
    /// x^7 + α^87 x^6 + α^229 x^5 + α^146 x^4 + α^149 x^3 + α^238 x^2 + α^102 x + α^21.
    @Test func generatorOfDegree7() {
        let expected = [0, 87, 229, 146, 149, 238, 102, 21].map { ReedSolomon.exponents[$0] }
        #expect(ReedSolomon.generator(degree: 7) == expected)
        #expect(expected == [1, 127, 122, 154, 164, 11, 68, 117])
    }

    /// ISO/IEC 18004 Annex I: "01234567" as version 1-M (numeric mode). The 16 data codewords and
    /// the 10 error-correction codewords are printed in the standard's worked example.
    @Test func specificationExample01234567Version1M() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11,
                             0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc = ReedSolomon.remainder(of: data, generator: ReedSolomon.generator(degree: 10))
        #expect(ecc == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    /// The widely used "HELLO WORLD" 1-M example (alphanumeric mode).
    @Test func helloWorldVersion1M() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = ReedSolomon.remainder(of: data, generator: ReedSolomon.generator(degree: 10))
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    /// A codeword (data followed by its remainder) is a multiple of g(x): it vanishes at every root.
    @Test func codewordsVanishAtTheGeneratorRoots() {
        var random = SplitMix64(seed: 11)
        for degree in [7, 10, 18, 26, 30] {
            let generator = ReedSolomon.generator(degree: degree)
            let data = (0..<40).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let codeword = data + ReedSolomon.remainder(of: data, generator: generator)
            for i in 0..<degree {
                let root = ReedSolomon.exponents[i]
                let value = codeword.reduce(UInt8(0)) { ReedSolomon.multiply($0, root) ^ $1 }
                #expect(value == 0, "degree \(degree), root α^\(i)")
            }
        }
    }
}
