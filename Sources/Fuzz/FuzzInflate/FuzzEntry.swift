import Deflate

// Bounded inflate: whatever the input, output never passes the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let inflater = try? Inflater(windowBits: 15) else { return 0 }
    var output: [UInt8] = []
    var input = Array(UnsafeBufferPointer(start: data, count: size))
    input += Inflater.messageTail
    input.withUnsafeBytes { bytes in
        do {
            try inflater.inflate(bytes, appendingTo: &output, limitBytes: 256)
        } catch {
            // A typed error (corrupt data, limit passed) is a valid outcome.
        }
    }
    precondition(output.count <= 256, "inflated \(output.count) bytes past a 256-byte limit")
    return 0
}
