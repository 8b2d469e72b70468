/// Incremental UTF-8 validation (RFC 3629 §4, as required by RFC 6455 §8.1) that fails at the
/// first byte proving the input invalid, whatever the split between calls: a fragmented message
/// is checked as it arrives, so overlongs, surrogates and code points above U+10FFFF are refused
/// before the rest of the frame is even read (Autobahn 6.4.x "fail fast").
///
/// State is the number of continuation bytes still expected and the allowed range of the next
/// one, which the RFC 3629 table narrows for the second byte after E0, ED, F0 and F4.
struct UTF8Validator {
    private var pending: UInt8 = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// True when no multi-byte sequence is open, i.e. the bytes so far form complete characters.
    var isComplete: Bool { pending == 0 }

    mutating func reset() {
        pending = 0
        lower = 0x80
        upper = 0xBF
    }

    /// Validates the next bytes; false as soon as one of them cannot continue valid UTF-8.
    mutating func validate(_ start: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i < count {
            if pending == 0 {
                // ASCII fast path, 16 then 8 bytes at a time.
                while i + 16 <= count {
                    let a = start.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let b = start.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    if (a | b) & 0x8080_8080_8080_8080 != 0 { break }
                    i += 16
                }
                while i + 8 <= count, start.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                guard i < count else { return true }
                let byte = start.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if byte < 0x80 { continue }
                switch byte {
                case 0xC2...0xDF: pending = 1
                case 0xE0: pending = 2; lower = 0xA0  // no overlongs
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2
                case 0xED: pending = 2; upper = 0x9F  // no surrogates
                case 0xF0: pending = 3; lower = 0x90  // no overlongs
                case 0xF1...0xF3: pending = 3
                case 0xF4: pending = 3; upper = 0x8F  // nothing above U+10FFFF
                default: return false  // 80-C1, F5-FF never start a character
                }
            } else {
                let byte = start.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                guard byte >= lower && byte <= upper else { return false }
                lower = 0x80
                upper = 0xBF
                pending -= 1
            }
        }
        return true
    }

    /// Whole-buffer check.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var validator = UTF8Validator()
        return validator.validate(base, count: bytes.count) && validator.isComplete
    }
}
