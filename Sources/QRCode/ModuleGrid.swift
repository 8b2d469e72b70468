/// A square of modules under construction, with the modules reserved for function patterns
/// marked so that data placement and masking leave them alone.
///
/// Coordinates are (row, column) from the top-left corner. The template a version starts from:
///
///     +-------+-+--------------+-+-------+
///     |finder |s| f            |s|finder |   f: format information (two copies)
///     |  7x7  |e| ...timing... |e|  7x7  |   v: version information (versions >= 7)
///     +-------+p|       v v v  |p+-------+   s/sep: light separators
///     |  sep   f|              |  f sep  |   timing: row 6 and column 6, dark on even indices
///     |ffffff ff|   alignment  |  ffffffff
///     |  .      |   patterns   |         |
///     |  .   v  |    (5x5)     |         |
///     +-------+ |              |         |
///     |finder |f|              |         |   the dark module sits above the bottom-left
///     +-------+-+--------------+---------+   copy of the format information
struct ModuleGrid {
    let version: Int
    let size: Int
    private(set) var dark: [Bool]
    private(set) var reserved: [Bool]

    init(version: Int) {
        precondition(SymbolCapacity.versions.contains(version), "versions are 1...40")
        self.version = version
        size = SymbolCapacity.size(version: version)
        dark = [Bool](repeating: false, count: size * size)
        reserved = [Bool](repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    subscript(row: Int, column: Int) -> Bool { dark[row * size + column] }

    func isReserved(row: Int, column: Int) -> Bool { reserved[row * size + column] }

    var unreservedCount: Int { reserved.lazy.filter { !$0 }.count }

    private mutating func setFunction(_ row: Int, _ column: Int, _ isDark: Bool) {
        dark[row * size + column] = isDark
        reserved[row * size + column] = true
    }

    // MARK: Function patterns

    private mutating func drawFunctionPatterns() {
        // Timing patterns first: the finders and alignment patterns overwrite their ends.
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        drawFinder(centreRow: 3, centreColumn: 3)
        drawFinder(centreRow: 3, centreColumn: size - 4)
        drawFinder(centreRow: size - 4, centreColumn: 3)

        let centres = SymbolCapacity.alignmentCentres(version: version)
        let last = centres.count - 1
        for (i, row) in centres.enumerated() {
            for (j, column) in centres.enumerated() {
                // Three corners fall on the finder patterns and get no alignment pattern.
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                drawAlignment(centreRow: row, centreColumn: column)
            }
        }

        // Reserve the format information (drawn per mask) and set the dark module (§7.9.1).
        drawFormatBits(0)
        setFunction(size - 8, 8, true)

        if version >= 7 { drawVersionBits(FormatInformation.versionBits(version: version)) }
    }

    /// A 7x7 finder (dark ring, light ring, dark 3x3 centre) and its light separator, i.e. the
    /// 9x9 square around the centre clipped to the symbol.
    private mutating func drawFinder(centreRow: Int, centreColumn: Int) {
        for dr in -4...4 {
            for dc in -4...4 {
                let row = centreRow + dr, column = centreColumn + dc
                guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                let ring = max(abs(dr), abs(dc))
                setFunction(row, column, ring != 2 && ring != 4)
            }
        }
    }

    /// A 5x5 alignment pattern: dark ring, light ring, dark centre module.
    private mutating func drawAlignment(centreRow: Int, centreColumn: Int) {
        for dr in -2...2 {
            for dc in -2...2 {
                setFunction(centreRow + dr, centreColumn + dc, max(abs(dr), abs(dc)) != 1)
            }
        }
    }

    /// Writes the 15 format bits (bit 0 = least significant) into both copies (§7.9.1, Figure 25):
    ///
    ///   copy 1, around the top-left finder: bits 0-5 down column 8 (rows 0-5), 6 at (7, 8),
    ///   7 at (8, 8), 8 at (8, 7), bits 9-14 along row 8 from column 5 back to column 0;
    ///   copy 2: bits 0-7 along row 8 from the right edge inwards, bits 8-14 down column 8
    ///   from row size-7 to the bottom edge.
    mutating func drawFormatBits(_ bits: UInt16) {
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { setFunction(i, 8, bit(i)) }
        setFunction(7, 8, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(8, 7, bit(8))
        for i in 9..<15 { setFunction(8, 14 - i, bit(i)) }

        for i in 0..<8 { setFunction(8, size - 1 - i, bit(i)) }
        for i in 8..<15 { setFunction(size - 15 + i, 8, bit(i)) }
    }

    /// Writes the 18 version bits (bit 0 = least significant) into both 6x3 blocks (§7.10,
    /// Figure 27): above the bottom-left finder bit i sits at row size-11 + i%3, column i/3; the
    /// block left of the top-right finder is its transpose.
    private mutating func drawVersionBits(_ bits: UInt32) {
        for i in 0..<18 {
            let isDark = (bits >> i) & 1 == 1
            let across = size - 11 + i % 3, along = i / 3
            setFunction(across, along, isDark)
            setFunction(along, across, isDark)
        }
    }

    // MARK: Data and masking

    /// Places the codewords' bits (most significant first) in the two-module-wide zigzag of
    /// §7.7.3: from the bottom-right corner, up the rightmost pair of columns, down the next, and
    /// so on to the left, skipping reserved modules and the vertical timing column. Modules left
    /// over are the remainder bits and stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        precondition(totalBits <= unreservedCount, "more codewords than the symbol has room for")
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            // The pair with its right column at size-1 goes upwards; the direction alternates.
            let upwards = ((size - 1 - right) / 2) % 2 == 0
            for step in 0..<size {
                let row = upwards ? size - 1 - step : step
                for column in [right, right - 1] where !reserved[row * size + column] && index < totalBits {
                    let byte = codewords[index >> 3]
                    dark[row * size + column] = (byte >> (7 - UInt8(index & 7))) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts every unreserved module where the mask's condition holds; applying it twice undoes it.
    mutating func applyMask(_ mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !reserved[row * size + column] && MaskPattern.inverts(mask, row: row, column: column) {
                dark[row * size + column].toggle()
            }
        }
    }
}
