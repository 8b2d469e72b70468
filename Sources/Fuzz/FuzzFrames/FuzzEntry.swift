import WebSocket

// Frames from a client with permessage-deflate negotiated, fed in fuzzer-chosen chunks
// (first byte of each chunk = its length, 0 = the rest). Every input must end in messages,
// "need more", or a close with a code; the output must stay bounded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.first else { return 0 }
    let deflate = first & 1 == 1 ? PerMessageDeflateParameters(
        serverNoContextTakeover: first & 2 == 0, clientNoContextTakeover: first & 4 == 0,
        serverMaxWindowBits: nil, clientMaxWindowBits: nil, deflateWindowBits: 12, inflateWindowBits: 15) : nil
    var config = WebSocketServerConfig(maxMessageBytes: 4096, maxFragmentsPerMessage: 64)
    config.compression = deflate == nil ? nil : PerMessageDeflatePolicy()
    let start = ContinuousClock.now
    let ws = WebSocketConnection(config: config, acceptance: HandshakeAcceptance(responseBytes: [], subprotocol: nil, deflate: deflate), now: start)
    var output: [UInt8] = []
    var i = 1
    while i < size && !ws.isClosed {
        let want = Int(bytes[i])
        i += 1
        let n = want == 0 ? size - i : min(want, size - i)
        let chunk = UnsafeRawBufferPointer(start: data + i, count: n)
        var offset = 0
        while let event = ws.receive(chunk, from: &offset, now: start, output: &output) {
            switch event {
            case .text(let b), .binary(let b):
                precondition(b.count <= 4096, "message over the limit was delivered")
                _ = ws.send(binary: b, output: &output)
            default: break
            }
        }
        precondition(offset == n || ws.isClosed, "input left unread on an open connection")
        i += n
        precondition(output.count < 1 << 22, "output grew without bound")
    }
    _ = ws.timerFired(now: start + .seconds(3600), output: &output)
    return 0
}
