import WebSocket

// Differential: the incremental validator, split at fuzzer-chosen points, must agree with the
// standard library's UTF-8 decoding of the whole.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUTF8(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let cutCount = Int(data[0] % 8)
    let cuts = (0..<cutCount).map { k in size > 1 ? Int(data[min(size - 1, 1 + k)]) % size : 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let ours = UTF8Validation.isValid(bytes, splitAt: cuts)
    let reference = String(validating: bytes, as: UTF8.self) != nil
    precondition(ours == reference, "validator says \(ours), stdlib says \(reference) for \(bytes)")
    return 0
}
