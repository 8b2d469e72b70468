import Deflate

// Bounded inflate: whatever the input, inflation stops one byte past the limit at most (that
// byte is how it knows the limit was passed), and a message within the limit is returned whole.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let inflater = try? Inflater(windowBits: 15) else { return 0 }
    let limit = 256
    var output: [UInt8] = []
    var input = Array(UnsafeBufferPointer(start: data, count: size))
    input += Inflater.messageTail
    var passedLimit = false
    input.withUnsafeBytes { bytes in
        do {
            try inflater.inflate(bytes, appendingTo: &output, limitBytes: limit)
        } catch {
            // Corrupt data is a valid outcome; passing the limit allows the one detecting byte.
            if case .outputLimitExceeded? = error as? InflateError { passedLimit = true }
        }
    }
    precondition(output.count <= (passedLimit ? limit + 1 : limit), "inflated \(output.count) bytes with a \(limit)-byte limit")
    return 0
}
