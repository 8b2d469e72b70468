/// From bytes to the final codeword sequence (ISO/IEC 18004 §7.4 and §7.6):
///
///     optional ECI             0111 | 00011010 (designator 26: the bytes are UTF-8)
///     byte-mode segment        0100 | count (8 or 16 bits) | the bytes
///     then terminator          up to four 0 bits
///     then                     0 bits to the next byte boundary
///     then pad codewords       11101100 00010001 11101100 … up to the version's data capacity
///
/// The data codewords are cut into blocks (the short blocks first; long blocks carry one more
/// data codeword), each block gets its Reed-Solomon codewords, and the final sequence takes the
/// first data codeword of every block, then the second, …, then the error correction likewise.
enum Codewords {
    static let byteModeIndicator = 0b0100
    static let eciModeIndicator = 0b0111
    /// ECI 000026 is UTF-8; designators below 128 take one byte, 0bbbbbbb (§7.4.2.1, Table 4).
    static let utf8Designator = 26
    static let eciHeaderBits = 4 + 8
    static let padCodewords: [UInt8] = [0b1110_1100, 0b0001_0001]

    /// The data codewords of one byte-mode segment (after a UTF-8 ECI header when `utf8ECI`),
    /// padded to the version's capacity.
    static func dataCodewords(bytes: [UInt8], utf8ECI: Bool = false, version: Int, level: ErrorCorrectionLevel) -> [UInt8] {
        let capacity = SymbolCapacity.dataCodewords(version: version, level: level)
        let countBits = SymbolCapacity.byteCountBits(version: version)
        precondition(bytes.count <= SymbolCapacity.byteCapacity(version: version, level: level, utf8ECI: utf8ECI), "the caller picks a version that fits")

        var writer = BitWriter()
        if utf8ECI {
            writer.append(eciModeIndicator, bits: 4)
            writer.append(utf8Designator, bits: 8)
        }
        writer.append(byteModeIndicator, bits: 4)
        writer.append(bytes.count, bits: countBits)
        for byte in bytes { writer.append(Int(byte), bits: 8) }
        writer.append(0, bits: min(4, capacity * 8 - writer.bitCount))
        writer.append(0, bits: (8 - writer.bitCount % 8) % 8)
        var codewords = writer.bytes
        var pad = 0
        while codewords.count < capacity {
            codewords.append(padCodewords[pad])
            pad ^= 1
        }
        return codewords
    }

    /// The data split into blocks, each followed by its error correction, interleaved.
    static func interleaved(data: [UInt8], version: Int, level: ErrorCorrectionLevel) -> [UInt8] {
        let total = SymbolCapacity.totalCodewords(version: version)
        let blockCount = SymbolCapacity.blockCount(version: version, level: level)
        let eccLength = SymbolCapacity.errorCorrectionCodewordsPerBlock(version: version, level: level)
        precondition(data.count == SymbolCapacity.dataCodewords(version: version, level: level))

        let longBlocks = total % blockCount
        let shortDataLength = total / blockCount - eccLength
        let generator = ReedSolomon.generator(degree: eccLength)
        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for block in 0..<blockCount {
            let length = shortDataLength + (block >= blockCount - longBlocks ? 1 : 0)
            let slice = data[start..<(start + length)]
            dataBlocks.append(slice)
            eccBlocks.append(ReedSolomon.remainder(of: Array(slice), generator: generator))
            start += length
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for i in 0...shortDataLength {
            for block in dataBlocks where i < block.count { result.append(block[block.startIndex + i]) }
        }
        for i in 0..<eccLength {
            for block in eccBlocks { result.append(block[i]) }
        }
        assert(result.count == total)
        return result
    }
}

/// Bits appended most significant first, packed into bytes.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    mutating func append(_ value: Int, bits: Int) {
        precondition(bits >= 0 && (bits == 0 || value >> bits == 0), "value does not fit in \(bits) bits")
        for shift in stride(from: bits - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(bitCount % 8) }
            bitCount += 1
        }
    }
}
