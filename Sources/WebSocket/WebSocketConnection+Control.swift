/// Control frames (RFC 6455 §5.5) and the close handshake (§7).
extension WebSocketConnection {
    /// Answers a control frame; returns what the application must hear of it.
    func handleControlFrame(
        _ opcode: Opcode, payload: UnsafeRawBufferPointer, output: inout [UInt8]
    ) throws(FrameError) -> WebSocketEvent? {
        switch opcode {
        case .ping:
            // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response",
            // with "identical Application data". Nothing more is sent after our Close (§5.5.1).
            if phase == .open { FrameWriter.write(opcode: .pong, payload: payload, into: &output) }
            return nil
        case .pong:
            // While closing, the one wait left is for the answer to our Close: a pong ends nothing.
            guard phase == .open else { return nil }
            pongDeadline = nil
            return .pong
        default:
            return try handleClose(payload, output: &output)
        }
    }

    private func handleClose(_ body: UnsafeRawBufferPointer, output: inout [UInt8]) throws(FrameError) -> WebSocketEvent? {
        // §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned
        // integer ... representing a status code".
        guard body.count != 1 else { throw .closePayloadTooShort }
        var code: UInt16?
        var reason = ""
        if body.count >= 2 {
            let value = UInt16(body[0]) << 8 | UInt16(body[1])
            // §7.4: 1005, 1006, 1015, unassigned and reserved codes must not appear on the wire.
            guard CloseCode(rawValue: value).isAllowedOnWire else { throw .invalidCloseCode(value) }
            let reasonBytes = UnsafeRawBufferPointer(rebasing: body[2...])
            // §5.5.1: the body after the code "MAY contain UTF-8-encoded data".
            guard UTF8Validator.isValid(reasonBytes) else { throw .invalidCloseReasonUTF8 }
            code = value
            reason = String(decoding: reasonBytes, as: UTF8.self)
        }
        switch phase {
        case .open:
            // §5.5.1: "the endpoint MUST send a Close frame in response ... typically echoing the
            // status code it received". The server then closes the TCP connection first (§7.1.1).
            FrameWriter.writeClose(code: code ?? CloseCode.normalClosure.rawValue, reason: EmptyCollection(), into: &output)
            phase = .closed
            return .closed(code: code, reason: reason, initiatedByPeer: true)
        case .closing:
            phase = .closed
            return .closed(code: sentCloseCode, reason: reason, initiatedByPeer: false)
        case .closed:
            return nil
        }
    }

    /// Starts the close handshake (§7.1.2). The reason is cut to 123 bytes on a character boundary;
    /// codes that must not be sent (1005, 1006, 1015, unassigned) become 1000. No-op unless open.
    public func close(code: UInt16, reason: String, now: ContinuousClock.Instant, output: inout [UInt8]) {
        guard phase == .open else { return }
        let sendable = CloseCode(rawValue: code).isAllowedOnWire ? code : CloseCode.normalClosure.rawValue
        FrameWriter.writeClose(code: sendable, reason: FrameWriter.truncatedReason(reason), into: &output)
        sentCloseCode = sendable
        phase = .closing
        closeDeadline = now + timing.closeTimeout
    }
}
