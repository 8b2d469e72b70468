import Testing
@testable import QRCode

/// The function patterns of finished symbols, read back module by module.
@Suite struct StructureTests {
    static let samples: [(text: String, level: ErrorCorrectionLevel)] = [
        ("https://mingle.example.org/r/workshop-a", .medium),
        ("x", .low),
        (String(repeating: "https://mingle.example.org/r/a-long-room-name/", count: 4), .high),   // version 14
        (String(repeating: "z", count: 2331), .medium),                                           // version 40
    ]

    static func symbols() throws -> [QRSymbol] {
        try samples.map { try QRSymbol(encoding: $0.text, errorCorrection: $0.level) }
    }

    @Test func findersAndSeparatorsInThreeCorners() throws {
        for symbol in try Self.symbols() {
            let n = symbol.size
            for (top, left) in [(0, 0), (0, n - 7), (n - 7, 0)] {
                for r in 0..<7 {
                    for c in 0..<7 {
                        let ring = max(abs(r - 3), abs(c - 3))
                        #expect(symbol[top + r, left + c] == (ring != 2), "finder at \(top),\(left): \(r),\(c)")
                    }
                }
            }
            // Separators: the light row and column facing the symbol's inside.
            for i in 0..<8 {
                #expect(!symbol[7, i] && !symbol[i, 7])                 // top-left
                #expect(!symbol[7, n - 1 - i] && !symbol[i, n - 8])     // top-right
                #expect(!symbol[n - 8, i] && !symbol[n - 1 - i, 7])     // bottom-left
            }
        }
    }

    @Test func timingPatternsAlternate() throws {
        for symbol in try Self.symbols() {
            for i in 8..<(symbol.size - 8) {
                #expect(symbol[6, i] == (i % 2 == 0), "row 6, column \(i)")
                #expect(symbol[i, 6] == (i % 2 == 0), "column 6, row \(i)")
            }
        }
    }

    @Test func darkModuleAboveTheBottomLeftFormatCopy() throws {
        for symbol in try Self.symbols() {
            #expect(symbol[symbol.size - 8, 8])
        }
    }

    @Test func alignmentPatternsAtTheirCentres() throws {
        for symbol in try Self.symbols() {
            let centres = SymbolCapacity.alignmentCentres(version: symbol.version)
            for row in centres {
                for column in centres {
                    let onFinder = (row == 6 && column == 6) || (row == 6 && column == centres.last) || (row == centres.last && column == 6)
                    if onFinder { continue }
                    for dr in -2...2 {
                        for dc in -2...2 {
                            #expect(symbol[row + dr, column + dc] == (max(abs(dr), abs(dc)) != 1))
                        }
                    }
                }
            }
        }
    }

    /// Both copies of the format information read back to the level and mask the symbol reports.
    @Test func formatInformationBothCopies() throws {
        for symbol in try Self.symbols() {
            let n = symbol.size
            let expected = FormatInformation.formatBits(level: symbol.errorCorrection, mask: symbol.mask)
            var first: UInt16 = 0, second: UInt16 = 0
            let firstPositions = (0...5).map { ($0, 8) } + [(7, 8), (8, 8), (8, 7)] + (9..<15).map { (8, 14 - $0) }
            let secondPositions = (0..<8).map { (8, n - 1 - $0) } + (8..<15).map { (n - 15 + $0, 8) }
            for (bit, position) in firstPositions.enumerated() where symbol[position.0, position.1] { first |= 1 << bit }
            for (bit, position) in secondPositions.enumerated() where symbol[position.0, position.1] { second |= 1 << bit }
            #expect(first == expected)
            #expect(second == expected)
        }
    }

    @Test func versionInformationFromVersion7() throws {
        for symbol in try Self.symbols() {
            let n = symbol.size
            var bottomLeft: UInt32 = 0, topRight: UInt32 = 0
            for i in 0..<18 {
                if symbol[n - 11 + i % 3, i / 3] { bottomLeft |= 1 << i }
                if symbol[i / 3, n - 11 + i % 3] { topRight |= 1 << i }
            }
            if symbol.version >= 7 {
                #expect(bottomLeft == FormatInformation.versionBits(version: symbol.version))
                #expect(topRight == bottomLeft)
                #expect(bottomLeft >> 12 == UInt32(symbol.version))
            }
        }
    }

    /// Every module outside the function patterns carries data, error correction or a remainder bit.
    @Test func templateReservesTheStandardsAreas() {
        let grid = ModuleGrid(version: 7)
        // 3 finders with separators (3 x 64), timing (2 x 29 between separators), 6 alignment
        // patterns of 25 of which two cross the timing patterns (2 x 5 shared), format (31),
        // version (36): 2025 - 1568 = 457 reserved.
        #expect(grid.size * grid.size - grid.unreservedCount == 457)
    }
}
