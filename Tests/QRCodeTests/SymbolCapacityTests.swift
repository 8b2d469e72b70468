import Testing
@testable import QRCode

@Suite struct SymbolCapacityTests {
    /// ISO/IEC 18004 Table 1: total codewords per version (data + error correction).
    static let totalCodewords = [
        26, 44, 70, 100, 134, 172, 196, 242, 292, 346, 404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
        1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185, 2323, 2465, 2611, 2761, 2876, 3034,
        3196, 3362, 3532, 3706,
    ]

    /// Counted on the template, so this checks the function patterns as much as the arithmetic.
    @Test func totalCodewordsMatchTheStandard() {
        for version in 1...40 {
            #expect(SymbolCapacity.totalCodewords(version: version) == Self.totalCodewords[version - 1], "version \(version)")
        }
    }

    /// ISO/IEC 18004 Table 1: data modules including remainder bits, e.g. 208 for version 1
    /// (26 codewords, no remainder), 359 for version 2 (7 remainder bits), 29648 for version 40.
    @Test func dataModulesIncludeTheRemainderBits() {
        #expect(SymbolCapacity.dataModuleCounts[1] == 208)
        #expect(SymbolCapacity.dataModuleCounts[2] == 359)
        #expect(SymbolCapacity.dataModuleCounts[7] == 1568)
        #expect(SymbolCapacity.dataModuleCounts[14] == 4651)
        #expect(SymbolCapacity.dataModuleCounts[40] == 29648)
    }

    /// ISO/IEC 18004 Table 7: byte-mode capacity.
    @Test func byteCapacities() {
        let expected: [(version: Int, l: Int, m: Int, q: Int, h: Int)] = [
            (1, 17, 14, 11, 7), (2, 32, 26, 20, 14), (3, 53, 42, 32, 24), (7, 154, 122, 86, 64),
            (10, 271, 213, 151, 119), (20, 858, 666, 482, 382), (40, 2953, 2331, 1663, 1273),
        ]
        for row in expected {
            #expect(SymbolCapacity.byteCapacity(version: row.version, level: .low) == row.l, "\(row.version)-L")
            #expect(SymbolCapacity.byteCapacity(version: row.version, level: .medium) == row.m, "\(row.version)-M")
            #expect(SymbolCapacity.byteCapacity(version: row.version, level: .quartile) == row.q, "\(row.version)-Q")
            #expect(SymbolCapacity.byteCapacity(version: row.version, level: .high) == row.h, "\(row.version)-H")
        }
        #expect(QRSymbol.maxBytes(errorCorrection: .medium) == 2331)
    }

    /// ISO/IEC 18004 Table 9 at version 40: 2956, 2334, 1666 and 1276 data codewords.
    @Test func dataCodewordsAtVersion40() {
        #expect(SymbolCapacity.dataCodewords(version: 40, level: .low) == 2956)
        #expect(SymbolCapacity.dataCodewords(version: 40, level: .medium) == 2334)
        #expect(SymbolCapacity.dataCodewords(version: 40, level: .quartile) == 1666)
        #expect(SymbolCapacity.dataCodewords(version: 40, level: .high) == 1276)
    }

    /// The block tables are consistent: blocks share the codewords so that long blocks hold at
    /// most one more, capacity grows with the version and falls with the level.
    @Test func blockStructureIsConsistent() {
        for version in 1...40 {
            var previous = Int.max
            for level in ErrorCorrectionLevel.allCases {
                let blocks = SymbolCapacity.blockCount(version: version, level: level)
                let ecc = SymbolCapacity.errorCorrectionCodewordsPerBlock(version: version, level: level)
                let shortData = SymbolCapacity.totalCodewords(version: version) / blocks - ecc
                #expect(shortData > 0 && (7...30).contains(ecc))
                let data = SymbolCapacity.dataCodewords(version: version, level: level)
                #expect(data < previous, "\(version) \(level)")
                previous = data
                if version > 1 {
                    #expect(data > SymbolCapacity.dataCodewords(version: version - 1, level: level))
                }
            }
        }
    }

    /// ISO/IEC 18004 Annex E, Table E.1.
    static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
        [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74],
        [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90], [6, 28, 50, 72, 94],
        [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106], [6, 32, 58, 84, 110],
        [6, 30, 58, 86, 114], [6, 34, 62, 90, 118], [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126],
        [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138],
        [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146], [6, 30, 54, 78, 102, 126, 150],
        [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],
        [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    @Test func alignmentCentresMatchTableE1() {
        for version in 1...40 {
            #expect(SymbolCapacity.alignmentCentres(version: version) == Self.alignment[version - 1], "version \(version)")
        }
    }
}
