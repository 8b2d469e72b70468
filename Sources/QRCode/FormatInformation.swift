/// The two BCH-protected fields a reader decodes before any data (ISO/IEC 18004 §7.9 and §7.10,
/// Annexes C and D).
///
/// Format information, 15 bits, two copies around the finder patterns:
///
///      14 13 12 11 10 | 9 8 7 6 5 4 3 2 1 0
///     +-------+-------+---------------------+
///     | level | mask  | BCH(15,5) remainder |   then XOR 101010000010010 (0x5412), so that
///     +-------+-------+---------------------+   no combination is all light
///
/// Version information, 18 bits, for versions 7 and up, two 6x3 blocks:
///
///      17 … 12 | 11 … 0
///     +---------+------------------------+
///     | version | BCH(18,6) remainder    |   not masked
///     +---------+------------------------+
enum FormatInformation {
    /// Generator of the (15,5) BCH code: x^10 + x^8 + x^5 + x^4 + x^2 + x + 1.
    static let formatGenerator: UInt32 = 0b101_0011_0111
    /// Generator of the (18,6) BCH code: x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1.
    static let versionGenerator: UInt32 = 0b1_1111_0010_0101
    static let formatMask: UInt16 = 0b101_0100_0001_0010

    /// The 15 format bits for a level and mask pattern (0...7), mask applied.
    static func formatBits(level: ErrorCorrectionLevel, mask: Int) -> UInt16 {
        precondition((0...7).contains(mask), "mask patterns are 0...7")
        let data = UInt32(level.formatBits << 3) | UInt32(mask)
        let codeword = data << 10 | remainder(of: data << 10, generator: formatGenerator, degree: 10)
        return UInt16(codeword) ^ formatMask
    }

    /// The 18 version bits for versions 7...40.
    static func versionBits(version: Int) -> UInt32 {
        precondition((7...40).contains(version), "version information exists for versions 7...40")
        let data = UInt32(version)
        return data << 12 | remainder(of: data << 12, generator: versionGenerator, degree: 12)
    }

    /// The remainder of a polynomial over GF(2) (bits as coefficients) divided by `generator`.
    private static func remainder(of value: UInt32, generator: UInt32, degree: Int) -> UInt32 {
        var rest = value
        for shift in stride(from: 31 - degree, through: 0, by: -1) where rest & (1 << (shift + degree)) != 0 {
            rest ^= generator << shift
        }
        return rest
    }
}
