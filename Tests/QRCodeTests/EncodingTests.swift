import Testing
@testable import QRCode

@Suite struct EncodingTests {
    static func picture(_ symbol: QRSymbol) -> [String] {
        symbol.rows.map { String($0.map { $0 ? "#" : "." }) }
    }

    /// Known answers from an independent encoder (python-qrcode 8, the same version, level and
    /// mask forced): every module must agree, data, padding, error correction, interleaving,
    /// masking and format information alike.
    @Test func roomLinkVersion3MMask2() throws {
        let symbol = try QRSymbol(encoding: "https://mingle.example.org/r/workshop-a", errorCorrection: .medium, mask: 2)
        #expect(symbol.version == 3 && symbol.size == 29)
        #expect(Self.picture(symbol) == Self.roomLinkV3M2)
    }

    /// Version 7 (version information) with two blocks of 14 and four of 15 data codewords (7-Q).
    @Test func longLinkVersion7QMask6() throws {
        let text = "https://mingle.example.org/r/plenary?lang=nb&from=poster-2026-hall-b-ground-floor"
        let symbol = try QRSymbol(encoding: text, errorCorrection: .quartile, mask: 6)
        #expect(symbol.version == 7 && symbol.size == 45)
        #expect(Self.picture(symbol) == Self.longLinkV7Q6)
    }

    /// Byte mode, then the 8-bit count, the bytes, a 4-bit terminator, and pad codewords 0xEC 0x11.
    @Test func dataCodewordsArePaddedToCapacity() {
        let full = Codewords.dataCodewords(bytes: Array(repeating: 0x41, count: 14), version: 1, level: .medium)
        #expect(full.last == 0x10)   // 14 bytes fill 1-M: 4 + 8 + 112 = 124 bits, terminator cut to 4
        // 0100 | 0000 0001 | 0100 0001 | 0000 -> 40 14 10, then 13 pad codewords (1-M holds 16).
        let padded = Codewords.dataCodewords(bytes: [0x41], version: 1, level: .medium)
        #expect(padded == [0x40, 0x14, 0x10, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
    }

    @Test func smallestVersionThatFits() throws {
        // An empty text is a valid (if useless) symbol.
        // 1-M holds 14 bytes, 2-M 26, 3-M 42.
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 14)).version == 1)
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 15)).version == 2)
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 26)).version == 2)
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 27)).version == 3)
        #expect(try QRSymbol(encoding: "https://mingle.example.org/r/workshop-a").version == 3)
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 300)).version == 13)   // 12-M holds 287, 13-M 331
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 17), errorCorrection: .low).version == 1)
        #expect(try QRSymbol(encoding: String(repeating: "a", count: 8), errorCorrection: .high).version == 2)
        #expect(try QRSymbol(encoding: "").version == 1)
    }

    /// Non-ASCII text is declared UTF-8 with ECI 26 (0111 00011010) before the byte segment.
    @Test func nonASCIITextCarriesAUTF8ECIHeader() throws {
        let text = "Møterom 2.14 – Ålesund"   // 22 characters, 26 bytes
        #expect(text.utf8.count == 26)
        let data = Codewords.dataCodewords(bytes: Array(text.utf8), utf8ECI: true, version: 3, level: .medium)
        // 0111 | 0001 1010 | 0100 | 0001 1010 (26 bytes) | 0100 1101 ("M") …
        #expect(Array(data.prefix(4)) == [0x71, 0xA4, 0x1A, 0x4D])
        // 2-M holds 26 bytes, but not the 12 header bits on top: version 3.
        #expect(try QRSymbol(encoding: text).version == 3)
        #expect(try QRSymbol(encoding: Array(text.utf8)).version == 2)   // raw bytes: no header
        #expect(try QRSymbol(encoding: "plain ascii") == QRSymbol(encoding: Array("plain ascii".utf8)))
        #expect(QRSymbol.maxBytes(errorCorrection: .medium, utf8ECI: true) == 2330)
    }

    @Test func tooLongIsAnErrorThatNamesTheLimit() {
        #expect(throws: QREncodingError.dataTooLong(bytes: 2332, maxBytes: 2331)) {
            try QRSymbol(encoding: String(repeating: "a", count: 2332))
        }
        #expect(throws: QREncodingError.dataTooLong(bytes: 1274, maxBytes: 1273)) {
            try QRSymbol(encoding: [UInt8](repeating: 0, count: 1274), errorCorrection: .high)
        }
        #expect((try? QRSymbol(encoding: String(repeating: "a", count: 2953), errorCorrection: .low))?.version == 40)
    }

    /// The chosen mask is one with the lowest penalty of all eight.
    @Test func chosenMaskHasTheLowestPenalty() throws {
        for text in ["https://mingle.example.org/r/workshop-a", "x", String(repeating: "room ", count: 40)] {
            let chosen = try QRSymbol(encoding: text)
            let penalties = try (0...7).map { mask in
                let symbol = try QRSymbol(encoding: text, mask: mask)
                return MaskPattern.penalty(modules: symbol.modules, size: symbol.size)
            }
            #expect(penalties[chosen.mask] == penalties.min(), "\(text.prefix(10)): \(penalties)")
            #expect(try QRSymbol(encoding: text, mask: chosen.mask) == chosen)
        }
    }

    @Test func sameInputSameSymbol() throws {
        let a = try QRSymbol(encoding: "https://mingle.example.org/r/workshop-b", errorCorrection: .quartile)
        let b = try QRSymbol(encoding: "https://mingle.example.org/r/workshop-b", errorCorrection: .quartile)
        #expect(a == b)
        #expect(a.rows.count == a.size && a.rows.allSatisfy { $0.count == a.size })
    }

    static let roomLinkV3M2 = [
        "#######....##.#.####..#######",
        "#.....#..#.....###..#.#.....#",
        "#.###.#.##.##...#.#.#.#.###.#",
        "#.###.#.#.##.#...#....#.###.#",
        "#.###.#.##.###..#####.#.###.#",
        "#.....#.##..#.##.#....#.....#",
        "#######.#.#.#.#.#.#.#.#######",
        "........##..#.##....#........",
        "#.#####.....###..#.#..#####..",
        "#.......##.#....#..######...#",
        "..#...##.##....####...##.....",
        "##.#.......##.#...#..#.###.#.",
        "###.#.###...#..###..#....##..",
        ".#.....###..##..#.#######...#",
        ".###..#..###.#####..#....##..",
        "###.##..#..#.#......#..#...#.",
        "#.#.####.###..#..###.#...##..",
        "##........#.....#########.#.#",
        "#..#.###...##..#.#..#.###.#..",
        "#.##.#.##.....#......##....#.",
        "#.#######.#.#..###..#####.###",
        "........#.#.###.#...#...#####",
        "#######...###########.#.###..",
        "#.....#.##.###..#.###...#...#",
        "#.###.#.####..#..##.#####.#..",
        "#.###.#.#.####..###......####",
        "#.###.#.#.#..#####..########.",
        "#.....#.......#.#..##..###.#.",
        "#######.#.#.##.###.#...#..#.."
    ]

    static let longLinkV7Q6 = [
        "#######..#..###.#..##.#...#...#.#...#.#######",
        "#.....#.#..#..#..###..#.#..#.....#.#..#.....#",
        "#.###.#...###.#.#.#.###.##...#.#.#.#..#.###.#",
        "#.###.#.##..#...#.###.#.#####...##.##.#.###.#",
        "#.###.#.###.#.#.##.######.#...#...###.#.###.#",
        "#.....#.....#...#####...##.###........#.....#",
        "#######.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#######",
        "........#...##..##..#...#.#.##.#..##.........",
        ".#.####.#######..#..#####.#.##.#.##..##.##.#.",
        ".#.......##.....#.######..#..##.#######.##...",
        ".#...###.##..###..####.###..##.#.###.#...#..#",
        ".#.......#.#.##..#.####.#.......##....#...#.#",
        ".#..###.#.#...##.##..##..#.##...###..#####.##",
        "#..##..###......####..############.##.#...##.",
        ".....##..#.#.#.##...#.#.###.##.#.#.####.#..#.",
        "#.......#..##.#...#.##....#..#.#...#.#.#..###",
        "#.##..#...#..##.#.#..##.......#.###...##...##",
        "#..#...#.#.#.#.#####...#.#.#..##..####....#.#",
        "###.#.##.......##..#...#.#..##.#.#...#.##.#.#",
        "....##..##..##.#.###..##.....#.#....#.#.###.#",
        "##.######........#..#######....#.##.#####..#.",
        "....#...#...#.##..#.#...##...#.######...#..#.",
        "..#.#.#.#...####..#.#.#.#.#.#######.#.#.#####",
        "###.#...#.#..#..#.#.#...#.#..#..#.###...#.###",
        "....######.###.#....#####.#.#.#.#.#######....",
        "##.#...##.###.......#....#.#.##..#.#.#.#.#...",
        "..#.###########.#..#.#.####.....#...#..#...#.",
        ".#...#....#..##.##.##.#..##..#.#.#.#.#.######",
        "..#..##.##.....####..####......##..#.#####.#.",
        "#..#.#.#.#.###....#.#####...#.###.##..###...#",
        "#....##...#..###.#.#..#..#..#.......#####...#",
        ".##..#.#..#..##...#..#...##.##.#...#.#...##.#",
        "####..##.##.###..#####.##...#.#...#.#.#..#..#",
        ".###.#.#...##...##.##..#..#####.#########.##.",
        "....#.#.#...#...#.##.#.#.###.#.#.######..#.##",
        ".####....#..##..#.#.#..##....#####....#######",
        "#..##.####.#...#.##.######..#...#..#######...",
        "........#.##..#######...###.###.##.##...#.##.",
        "#######..#..###.#...#.#.######..##..#.#.#.#..",
        "#.....#.#####.#.###.#...###...##.#.##...#.#.#",
        "#.###.#.##.####.#..######....#.##.#######..#.",
        "#.###.#.#..####.#####.#.###..##.#.##...#...#.",
        "#.###.#...#.##.##..##........#.###..###.##..#",
        "#.....#.###.###...##.#######..##.####.#..####",
        "#######..#.##.##.#.#.##.##.####..##.#.#.#...."
    ]
}
