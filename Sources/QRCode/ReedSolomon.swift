/// Reed-Solomon error correction as QR codes use it (ISO/IEC 18004 §7.5.2): arithmetic in GF(2^8)
/// modulo the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), whose root α = 2 generates
/// every non-zero element. The error-correction codewords of a block are the remainder of
/// data(x) · x^n divided by the generator g(x) = (x - α^0)(x - α^1)…(x - α^(n-1)).
enum ReedSolomon {
    /// α^i for i in 0..<510 (doubled, so a product's exponent sum needs no modulo).
    static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α(v) for v in 1...255 (index 0 is unused: zero has no logarithm).
    static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponents[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The monic generator polynomial of the given degree, highest power first:
    /// `[1, g(n-1), …, g0]`. Subtraction is XOR in GF(2^8), so (x - α^i) = (x + α^i).
    static func generator(degree: Int) -> [UInt8] {
        precondition((1...68).contains(degree), "QR codes use 7...30 error-correction codewords per block")
        var polynomial: [UInt8] = [1]
        for i in 0..<degree {
            let root = exponents[i]
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            for (j, coefficient) in polynomial.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= multiply(coefficient, root)
            }
            polynomial = next
        }
        return polynomial
    }

    /// The `generator.count - 1` error-correction codewords of one block: the remainder of the
    /// polynomial division, computed as a shift register (one data codeword per step).
    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        let degree = generator.count - 1
        var register = [UInt8](repeating: 0, count: degree)
        for codeword in data {
            let factor = codeword ^ register[0]
            register.removeFirst()
            register.append(0)
            if factor == 0 { continue }
            for i in 0..<degree {
                register[i] ^= multiply(generator[i + 1], factor)
            }
        }
        return register
    }
}
