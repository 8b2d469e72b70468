/// A QR code symbol (ISO/IEC 18004 Model 2), encoded from bytes in byte mode.
///
/// Text that is all ASCII is encoded as plain bytes, which every reader takes the same way. Other
/// text gets an ECI header declaring UTF-8 first: without it the standard says ISO-8859-1 and
/// readers guess (zbar read "会議室" as Shift JIS).
///
/// Encoding picks the smallest version (1...40) whose capacity at the requested error-correction
/// level holds the bytes, builds the codewords (`Codewords`), places them on the function-pattern
/// template (`ModuleGrid`), and keeps the mask with the lowest penalty (`MaskPattern`). Pure: the
/// same input always gives the same modules.
///
///     let symbol = try QRSymbol(encoding: "https://mingle.example.org/r/workshop-a")
///     let svg = SVGWriter.svg(for: symbol, title: "QR code: mingle.example.org/r/workshop-a")
public struct QRSymbol: Sendable, Hashable {
    /// 1...40; the symbol is `4 * version + 17` modules on a side.
    public let version: Int
    public let errorCorrection: ErrorCorrectionLevel
    /// The data mask applied, 0...7.
    public let mask: Int
    /// Modules per side.
    public let size: Int
    /// Row-major, `true` is dark.
    public let modules: [Bool]

    /// The most bytes a symbol can hold at a level (version 40, one byte-mode segment): 2953 (L),
    /// 2331 (M), 1663 (Q), 1273 (H); one less for non-ASCII text (its UTF-8 ECI header).
    public static func maxBytes(errorCorrection: ErrorCorrectionLevel, utf8ECI: Bool = false) -> Int {
        SymbolCapacity.byteCapacity(version: 40, level: errorCorrection, utf8ECI: utf8ECI)
    }

    /// Encodes the text's UTF-8 bytes, declared as UTF-8 (ECI 26) when any of them is not ASCII.
    public init(encoding text: String, errorCorrection: ErrorCorrectionLevel = .medium, mask: Int? = nil) throws(QREncodingError) {
        let bytes = Array(text.utf8)
        try self.init(bytes: bytes, utf8ECI: bytes.contains { $0 >= 0x80 }, errorCorrection: errorCorrection, mask: mask)
    }

    /// Encodes bytes as they are, with no ECI header. `mask` forces a mask pattern (0...7) instead
    /// of the lowest-penalty one.
    public init(encoding bytes: [UInt8], errorCorrection: ErrorCorrectionLevel = .medium, mask: Int? = nil) throws(QREncodingError) {
        try self.init(bytes: bytes, utf8ECI: false, errorCorrection: errorCorrection, mask: mask)
    }

    private init(bytes: [UInt8], utf8ECI: Bool, errorCorrection: ErrorCorrectionLevel, mask: Int?) throws(QREncodingError) {
        if let mask { precondition(MaskPattern.all.contains(mask), "mask patterns are 0...7") }
        guard let version = SymbolCapacity.versions.first(where: {
            bytes.count <= SymbolCapacity.byteCapacity(version: $0, level: errorCorrection, utf8ECI: utf8ECI)
        }) else {
            throw .dataTooLong(bytes: bytes.count, maxBytes: Self.maxBytes(errorCorrection: errorCorrection, utf8ECI: utf8ECI))
        }
        let data = Codewords.dataCodewords(bytes: bytes, utf8ECI: utf8ECI, version: version, level: errorCorrection)
        var grid = ModuleGrid(version: version)
        grid.placeCodewords(Codewords.interleaved(data: data, version: version, level: errorCorrection))

        var best: (mask: Int, penalty: Int, grid: ModuleGrid)?
        for candidate in mask.map({ [$0] }) ?? Array(MaskPattern.all) {
            var masked = grid
            masked.applyMask(candidate)
            masked.drawFormatBits(FormatInformation.formatBits(level: errorCorrection, mask: candidate))
            // One candidate needs no score.
            let penalty = mask == nil ? MaskPattern.penalty(of: masked) : 0
            if best == nil || penalty < best!.penalty { best = (candidate, penalty, masked) }
        }
        guard let best else { preconditionFailure("at least one mask is tried") }
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = best.mask
        self.size = best.grid.size
        self.modules = best.grid.dark
    }

    public subscript(row: Int, column: Int) -> Bool {
        modules[row * size + column]
    }

    /// The modules as rows of booleans (`true` is dark).
    public var rows: [[Bool]] {
        (0..<size).map { row in Array(modules[(row * size)..<((row + 1) * size)]) }
    }
}

/// Why bytes could not be encoded; carries what a caller needs to answer (e.g. a 413 or a
/// config error naming the limit).
public enum QREncodingError: Error, Hashable, Sendable {
    /// More bytes than version 40 holds at the requested level.
    case dataTooLong(bytes: Int, maxBytes: Int)
}
