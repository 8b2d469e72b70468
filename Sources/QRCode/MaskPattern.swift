/// The eight data masks (ISO/IEC 18004 §7.8.2, Table 10) and the penalty rules (§7.8.3) that pick
/// one. A mask inverts data modules where its condition holds, so that no symbol shows large
/// uniform areas or shapes a reader could mistake for a finder pattern.
enum MaskPattern {
    static let all = 0...7

    /// Whether mask `mask` inverts the module at (row i, column j).
    static func inverts(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case 7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        default: preconditionFailure("mask patterns are 0...7")
        }
    }

    // Penalty weights N1...N4 of §7.8.3.1.
    static let sameColourRunWeight = 3
    static let sameColourBlockWeight = 3
    static let finderLikeWeight = 40
    static let darkBalanceWeight = 10

    /// The total penalty of a finished symbol (format information included); lowest wins.
    static func penalty(of grid: ModuleGrid) -> Int {
        penalty(modules: grid.dark, size: grid.size)
    }

    /// The same for row-major modules (`true` is dark).
    static func penalty(modules: [Bool], size: Int) -> Int {
        precondition(modules.count == size * size)
        let grid = { (row: Int, column: Int) in modules[row * size + column] }
        var score = 0
        for line in 0..<size {
            score += linePenalty(size: size) { grid(line, $0) }
            score += linePenalty(size: size) { grid($0, line) }
        }
        // Rule 2: every 2x2 block of one colour (blocks may overlap).
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let colour = grid(row, column)
                if grid(row, column + 1) == colour, grid(row + 1, column) == colour, grid(row + 1, column + 1) == colour {
                    score += sameColourBlockWeight
                }
            }
        }
        // Rule 4: 10 points per full 5 % that the dark share deviates from 50 %.
        let total = size * size
        let darkCount = modules.lazy.filter { $0 }.count
        score += darkBalanceWeight * (abs(darkCount * 20 - total * 10) / total)
        return score
    }

    /// Rules 1 and 3 for one row or column.
    ///
    /// Rule 1: a run of five or more modules of one colour costs 3, plus 1 per module beyond five.
    /// Rule 3: dark-light-dark-dark-dark-light-dark (1:1:3:1:1) with four light modules on one side
    /// costs 40. The quiet zone around the symbol is light, so the line is read with four light
    /// modules beyond each end.
    private static func linePenalty(size: Int, _ module: (Int) -> Bool) -> Int {
        var score = 0
        var runColour = module(0)
        var runLength = 0
        let finderThenLight = 0b1011101_0000, lightThenFinder = 0b0000_1011101
        let windowMask = (1 << 11) - 1
        var window = 0   // the last 11 modules, newest in bit 0, the quiet zone counted as light
        for position in 0..<(size + 4) {
            let isDark = position < size && module(position)
            if position < size {
                if isDark == runColour {
                    runLength += 1
                } else {
                    if runLength >= 5 { score += sameColourRunWeight + runLength - 5 }
                    runColour = isDark
                    runLength = 1
                }
            }
            window = ((window << 1) | (isDark ? 1 : 0)) & windowMask
            // Modules before the line's start read as light: `window` starts at zero.
            if window == finderThenLight || window == lightThenFinder {
                score += finderLikeWeight
            }
        }
        if runLength >= 5 { score += sameColourRunWeight + runLength - 5 }
        return score
    }
}
