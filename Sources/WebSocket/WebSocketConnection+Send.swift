import Deflate

/// Outbound data messages. Each message is one final frame; with permessage-deflate it is
/// compressed as a whole and marked with RSV1 (RFC 7692 §6).
extension WebSocketConnection {
    /// Sends a text message. Returns false (and sends nothing) unless the connection is open.
    @discardableResult
    public func send(text: String, output: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { send(opcode: .text, payload: UnsafeRawBufferPointer($0), output: &output) }
    }

    /// Sends a text message from bytes the caller guarantees to be valid UTF-8.
    @discardableResult
    public func send(text utf8: UnsafeRawBufferPointer, output: inout [UInt8]) -> Bool {
        send(opcode: .text, payload: utf8, output: &output)
    }

    @discardableResult
    public func send(binary: UnsafeRawBufferPointer, output: inout [UInt8]) -> Bool {
        send(opcode: .binary, payload: binary, output: &output)
    }

    @discardableResult
    public func send(binary: [UInt8], output: inout [UInt8]) -> Bool {
        binary.withUnsafeBytes { send(opcode: .binary, payload: $0, output: &output) }
    }

    private func send(opcode: Opcode, payload: UnsafeRawBufferPointer, output: inout [UInt8]) -> Bool {
        // §5.5.1: "The application MUST NOT send any more data frames after sending a Close frame."
        guard phase == .open else { return false }
        if let compression = outboundDeflate, payload.count >= compression.policy.minimumMessageBytesToCompress,
           let deflater = compression.deflaterForUse() {
            deflater.withCompressedMessage(payload) { compressed in
                FrameWriter.write(opcode: opcode, compressed: true, payload: compressed, into: &output)
            }
            if compression.parameters.serverNoContextTakeover { deflater.reset() }
        } else {
            FrameWriter.write(opcode: opcode, payload: payload, into: &output)
        }
        return true
    }
}
