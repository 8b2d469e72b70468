/// How much of a symbol is spent on Reed-Solomon redundancy (ISO/IEC 18004 §5.3.8.1): roughly 7 %
/// (L), 15 % (M), 25 % (Q) or 30 % (H) of the codewords can be restored. M is the usual choice for
/// a printed or projected link: it survives a glare spot or a crease and keeps the symbol small.
public enum ErrorCorrectionLevel: Sendable, Hashable, CaseIterable {
    case low, medium, quartile, high

    /// The level's two bits in the format information (ISO/IEC 18004 Table 12). Not in L-M-Q-H order:
    /// L = 01, M = 00, Q = 11, H = 10.
    var formatBits: UInt16 {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The column of this level in the capacity tables (L, M, Q, H).
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}
