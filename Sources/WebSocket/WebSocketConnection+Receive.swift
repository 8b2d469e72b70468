/// Drives `FrameReader` over received bytes and reacts to what it completes.
extension WebSocketConnection {
    /// Parses `bytes` (any split of the stream), appending replies (pongs, Close) to `output` and
    /// reporting complete messages and the end of the connection through `onEvent`. Message bytes
    /// are valid only during the callback. The callback may call `send` and `close` (with another
    /// output buffer) but not `receive`.
    public func receive(
        _ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant,
        output: inout [UInt8], onEvent: (WebSocketEvent) -> Void
    ) {
        guard state != .closed, let base = bytes.baseAddress, bytes.count > 0 else { return }
        lastReceivedAt = now
        let reader = readerStorage
        var offset = 0
        do {
            while offset < bytes.count && state != .closed {
                switch try reader.pointee.read(base, count: bytes.count, offset: &offset) {
                case .needMoreBytes:
                    break
                case .message(let isText):
                    // After our Close, data is parsed (to find the peer's Close) but not delivered.
                    if state == .open {
                        let payload = reader.pointee.message.bytes
                        onEvent(isText ? .text(payload) : .binary(payload))
                    }
                    reader.pointee.messageConsumed()
                case .control(let opcode):
                    try handleControlFrame(opcode, payload: reader.pointee.control.bytes, output: &output, onEvent: onEvent)
                    reader.pointee.controlConsumed()
                }
            }
        } catch {
            fail(error, output: &output, onEvent: onEvent)
        }
    }

    /// Fails the connection (§7.1.7): send a Close with the error's code unless one was already sent.
    func fail(_ error: FrameError, output: inout [UInt8], onEvent: (WebSocketEvent) -> Void) {
        let code = CloseCode(for: error).rawValue
        let wasOpen = state == .open
        if wasOpen { FrameWriter.writeClose(code: code, reason: EmptyCollection(), into: &output) }
        state = .closed
        onEvent(.closed(code: wasOpen ? code : sentCloseCode, reason: "", initiatedByPeer: false))
    }
}
