import Testing
@testable import QRCode

@Suite struct FormatInformationTests {
    /// ISO/IEC 18004 Annex C, Table C.1: the 32 masked format-information sequences.
    static let table: [ErrorCorrectionLevel: [UInt16]] = [
        .low: [0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976],
        .medium: [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0],
        .quartile: [0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED],
        .high: [0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B],
    ]

    @Test(arguments: ErrorCorrectionLevel.allCases)
    func formatBitsForEveryMask(level: ErrorCorrectionLevel) {
        for mask in 0...7 {
            #expect(FormatInformation.formatBits(level: level, mask: mask) == Self.table[level]![mask], "\(level) mask \(mask)")
        }
    }

    /// ISO/IEC 18004 Annex D, Table D.1, for versions 7...40.
    static let versionTable: [UInt32] = [
        0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D, 0x0F928, 0x10B78,
        0x1145D, 0x12A17, 0x13532, 0x149A6, 0x15683, 0x168C9, 0x177EC, 0x18EC4, 0x191E1, 0x1AFAB,
        0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75, 0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B,
        0x2542E, 0x26A64, 0x27541, 0x28C69,
    ]

    @Test func versionSevenIs0x07C94() {
        #expect(FormatInformation.versionBits(version: 7) == 0x07C94)
    }

    @Test func versionBitsForEveryVersion() {
        for version in 7...40 {
            #expect(FormatInformation.versionBits(version: version) == Self.versionTable[version - 7], "version \(version)")
        }
    }

    /// Any two format sequences differ in at least 7 bits (the (15,5) BCH code's distance), so up to
    /// 3 bit errors are corrected; the version code's distance is 8.
    @Test func codesKeepTheirMinimumDistance() {
        let formats = ErrorCorrectionLevel.allCases.flatMap { level in (0...7).map { FormatInformation.formatBits(level: level, mask: $0) } }
        for (i, a) in formats.enumerated() {
            for b in formats[(i + 1)...] { #expect((a ^ b).nonzeroBitCount >= 7) }
        }
        let versions = (7...40).map { FormatInformation.versionBits(version: $0) }
        for (i, a) in versions.enumerated() {
            for b in versions[(i + 1)...] { #expect((a ^ b).nonzeroBitCount >= 8) }
        }
    }
}
