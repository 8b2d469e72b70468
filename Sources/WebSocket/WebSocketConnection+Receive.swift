/// Drives `FrameReader` over received bytes and returns what it completes, one event at a time.
extension WebSocketConnection {
    /// Parses `bytes` from `offset` (any split of the stream) until something happens that the
    /// application must handle, and returns it; replies the protocol itself owes (pongs, the
    /// Close echo) are appended to `output`. Returns nil once the input is used up: call it again
    /// with the same `offset` until then.
    ///
    /// The payload of a returned `.text` or `.binary` is valid until the next call. Whatever the
    /// application sends in answer goes into the same `output`, after the frames written so far,
    /// so the wire keeps causal order (a message echoed before the Close that follows it).
    public func receive(
        _ bytes: UnsafeRawBufferPointer, from offset: inout Int, now: ContinuousClock.Instant, output: inout [UInt8]
    ) -> WebSocketEvent? {
        let reader = readerStorage
        if messageHandedOut {
            messageHandedOut = false
            reader.pointee.messageConsumed()
        }
        guard phase != .closed, let base = bytes.baseAddress, offset < bytes.count else { return nil }
        lastReceivedAt = now
        do {
            while offset < bytes.count && phase != .closed {
                switch try reader.pointee.read(base, count: bytes.count, offset: &offset) {
                case .needMoreBytes:
                    return nil
                case .message(let isText):
                    // After our Close, data is parsed (to find the peer's Close) but not delivered.
                    guard phase == .open else {
                        reader.pointee.messageConsumed()
                        continue
                    }
                    messageHandedOut = true
                    let payload = reader.pointee.message.bytes
                    return isText ? .text(payload) : .binary(payload)
                case .control(let opcode):
                    let event = try handleControlFrame(opcode, payload: reader.pointee.control.bytes, output: &output)
                    reader.pointee.controlConsumed()
                    if let event { return event }
                }
            }
        } catch {
            return fail(error, output: &output)
        }
        return nil
    }

    /// Fails the connection (§7.1.7): send a Close with the error's code unless one was already sent.
    func fail(_ error: FrameError, output: inout [UInt8]) -> WebSocketEvent {
        let code = CloseCode(for: error).rawValue
        let wasOpen = phase == .open
        if wasOpen { FrameWriter.writeClose(code: code, reason: EmptyCollection(), into: &output) }
        phase = .closed
        return .closed(code: wasOpen ? code : sentCloseCode, reason: "", initiatedByPeer: false)
    }
}
