import WebSocket

// Sec-WebSocket-Extensions values: the parser returns offers or nil, and negotiation never
// accepts parameters zlib cannot honour.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtensions(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let value = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = ExtensionHeaderParser.parse(value)
    var config = WebSocketServerConfig()
    config.compression = PerMessageDeflatePolicy()
    let request = HandshakeRequest(method: "GET", target: "/", versionMajor: 1, versionMinor: 1, headers: [
        ("Host", "x"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Extensions", value),
    ])
    if case .accepted(let a) = ServerHandshake.evaluate(request, config: config), let d = a.deflate {
        precondition((9...15).contains(d.deflateWindowBits), "deflate window \(d.deflateWindowBits)")
        precondition((8...15).contains(d.inflateWindowBits), "inflate window \(d.inflateWindowBits)")
    }
    return 0
}
