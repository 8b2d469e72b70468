/// Client-to-server masking (RFC 6455 §5.3): octet i of the payload is XORed with octet
/// (i mod 4) of the masking key. Done 8 bytes at a time while copying into our own buffer.
enum Masking {
    /// The 4 key octets as a little-endian number (octet 0 in the low bits).
    static func key(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) -> UInt32 {
        UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24
    }

    /// Copies `count` bytes from `source` to `destination`, unmasking them. `phase` is the payload
    /// offset of `source[0]` (only its value mod 4 matters), so a frame can arrive in pieces.
    static func unmaskCopy(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int, key: UInt32, phase: Int) {
        let shift = UInt32((phase & 3) * 8)
        let rotated = shift == 0 ? key : (key >> shift) | (key << (32 - shift))
        let logical = UInt64(rotated) | UInt64(rotated) << 32
        let native = UInt64(littleEndian: logical)
        var i = 0
        while i + 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            destination.storeBytes(of: word ^ native, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        var tailKey = logical
        while i < count {
            let byte = source.load(fromByteOffset: i, as: UInt8.self)
            destination.storeBytes(of: byte ^ UInt8(truncatingIfNeeded: tailKey), toByteOffset: i, as: UInt8.self)
            tailKey >>= 8
            i += 1
        }
    }
}
