/// Drives `FrameReader` over received bytes and reacts to what it completes.
extension WebSocketConnection {
    /// Parses `bytes` (any split of the stream), appending replies (pongs, Close) to `output` and
    /// reporting complete messages and the end of the connection through `onEvent`. Message bytes
    /// are valid only during the callback. The callback may call `send` and `close` with another
    /// buffer, but not `receive`. To keep the application's replies in order with our pongs and
    /// Close frames (a message echoed before the Close that follows it), prefer
    /// `receive(_:now:output:onEventWithOutput:)`.
    public func receive(
        _ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant,
        output: inout [UInt8], onEvent: (WebSocketEvent) -> Void
    ) {
        receive(bytes, now: now, output: &output) { event, _ in onEvent(event) }
    }

    /// Like `receive(_:now:output:onEvent:)`, but the callback also gets `output`, so replies sent
    /// from it (`send(..., output: &output)`, `close`) land on the wire in causal order with the
    /// frames the connection writes itself.
    public func receive(
        _ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant,
        output: inout [UInt8], onEventWithOutput onEvent: (WebSocketEvent, inout [UInt8]) -> Void
    ) {
        guard phase != .closed, let base = bytes.baseAddress, bytes.count > 0 else { return }
        lastReceivedAt = now
        let reader = readerStorage
        var offset = 0
        do {
            while offset < bytes.count && phase != .closed {
                switch try reader.pointee.read(base, count: bytes.count, offset: &offset) {
                case .needMoreBytes:
                    break
                case .message(let isText):
                    // After our Close, data is parsed (to find the peer's Close) but not delivered.
                    if phase == .open {
                        let payload = reader.pointee.message.bytes
                        onEvent(isText ? .text(payload) : .binary(payload), &output)
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
    func fail(_ error: FrameError, output: inout [UInt8], onEvent: (WebSocketEvent, inout [UInt8]) -> Void) {
        let code = CloseCode(for: error).rawValue
        let wasOpen = phase == .open
        if wasOpen { FrameWriter.writeClose(code: code, reason: EmptyCollection(), into: &output) }
        phase = .closed
        onEvent(.closed(code: wasOpen ? code : sentCloseCode, reason: "", initiatedByPeer: false), &output)
    }
}
