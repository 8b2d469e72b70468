import MingleServer

// Attendee messages: every input is a decoded message or a protocol error with a code.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let outcome = FuzzingEntryPoints.decodeClientMessage(UnsafeRawBufferPointer(start: data, count: size))
    precondition(!outcome.isEmpty, "no outcome")
    return 0
}
