/// What a version (1...40) holds: its size, the Reed-Solomon block structure per level, and the
/// number of data codewords left after the function patterns and the error correction.
///
/// Only the two block tables are copied from the standard (ISO/IEC 18004 Table 9): no rule yields
/// them. Everything else is derived: the modules free for codewords are counted on the function
/// pattern template itself, so the template and the capacity cannot disagree.
enum SymbolCapacity {
    static let versions = 1...40

    /// The side of the symbol in modules (ISO/IEC 18004 §5.3.1): 21 for version 1, +4 per version.
    static func size(version: Int) -> Int { 4 * version + 17 }

    /// Error-correction codewords per block, by level (L, M, Q, H) then version (index 0 unused).
    static let errorCorrectionCodewordsPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Number of Reed-Solomon blocks, by level (L, M, Q, H) then version (index 0 unused).
    static let blockCounts: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules left for codewords (and remainder bits) once the function patterns, format and
    /// version information are reserved; counted once per version on the template.
    static let dataModuleCounts: [Int] = [0] + versions.map { ModuleGrid(version: $0).unreservedCount }

    /// All codewords of a version, data and error correction (the odd 0...7 modules left over
    /// are remainder bits, always light before masking).
    static func totalCodewords(version: Int) -> Int { dataModuleCounts[version] / 8 }

    static func errorCorrectionCodewordsPerBlock(version: Int, level: ErrorCorrectionLevel) -> Int {
        errorCorrectionCodewordsPerBlock[level.tableIndex][version]
    }

    static func blockCount(version: Int, level: ErrorCorrectionLevel) -> Int {
        blockCounts[level.tableIndex][version]
    }

    static func dataCodewords(version: Int, level: ErrorCorrectionLevel) -> Int {
        totalCodewords(version: version)
            - errorCorrectionCodewordsPerBlock(version: version, level: level) * blockCount(version: version, level: level)
    }

    /// Bits of the byte-mode character count (ISO/IEC 18004 Table 3): 8 up to version 9, then 16.
    static func byteCountBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// The most bytes one byte-mode segment can carry at this version and level (after a UTF-8 ECI
    /// header when `utf8ECI`).
    static func byteCapacity(version: Int, level: ErrorCorrectionLevel, utf8ECI: Bool = false) -> Int {
        let headerBits = (utf8ECI ? Codewords.eciHeaderBits : 0) + 4 + byteCountBits(version: version)
        return (dataCodewords(version: version, level: level) * 8 - headerBits) / 8
    }

    /// Row/column centres of the alignment patterns (ISO/IEC 18004 Annex E, Table E.1). The
    /// standard spaces them from the last one (size - 7) back towards the timing pattern (6) with an
    /// even step, the remainder left in the first gap; version 32 is the one row that uses a step of
    /// 26 where that rule gives 28.
    static func alignmentCentres(version: Int) -> [Int] {
        if version == 1 { return [] }
        let count = version / 7 + 2
        let last = size(version: version) - 7
        if count == 2 { return [6, last] }
        var step: Int
        if version == 32 {
            step = 26
        } else {
            let span = last - 6
            step = (span + count - 2) / (count - 1)   // ceil(span / (count - 1))
            step += step % 2                          // up to even
        }
        return [6] + (0..<(count - 1)).reversed().map { last - $0 * step }
    }
}
