/// Frame parsing: header validation, payload unmasking, message assembly.
extension WebSocketConnection {
    /// Parses `bytes` (any split of the stream), appending replies (pongs, Close) to `output` and
    /// reporting complete messages and the end of the connection through `onEvent`.
    public func receive(
        _ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant,
        output: inout [UInt8], onEvent: (WebSocketEvent) -> Void
    ) {
        guard state != .closed, let base = bytes.baseAddress, bytes.count > 0 else { return }
        lastReceivedAt = now
        var offset = 0
        do {
            while offset < bytes.count && state != .closed {
                if readingHeader {
                    offset += try consumeHeader(base + offset, available: bytes.count - offset)
                } else {
                    let n = min(frameRemaining, bytes.count - offset)
                    try consumePayload(base + offset, count: n)
                    offset += n
                }
                if !readingHeader && frameRemaining == 0 {
                    try finishFrame(output: &output, onEvent: onEvent)
                }
            }
        } catch {
            fail(error, output: &output, onEvent: onEvent)
        }
    }

    /// Reads header bytes; returns how many were used. Completes the header when possible.
    private func consumeHeader(_ p: UnsafeRawPointer, available: Int) throws(FrameError) -> Int {
        if headerCount == 0 && available >= 2 {
            let length = try validateStart(p.load(as: UInt8.self), p.load(fromByteOffset: 1, as: UInt8.self))
            if available >= length {
                try decodeHeader(p)
                return length
            }
        }
        var used = 0
        while used < available {
            let byte = p.load(fromByteOffset: used, as: UInt8.self)
            withUnsafeMutableBytes(of: &headerScratch) { $0[headerCount] = byte }
            headerCount += 1
            used += 1
            if headerCount == 2 {
                let bytes = withUnsafeBytes(of: &headerScratch) { ($0[0], $0[1]) }
                headerLength = try validateStart(bytes.0, bytes.1)
            }
            // The length is judged as soon as its last byte arrives, before the masking key.
            if headerCount >= 2 && headerCount == headerLength - 4 {
                try withHeaderScratch { (raw) throws(FrameError) in _ = try checkLength(raw) }
            }
            if headerCount >= 2 && headerCount == headerLength {
                headerCount = 0
                try withHeaderScratch { (raw) throws(FrameError) in try decodeHeader(raw) }
                break
            }
        }
        return used
    }

    private func withHeaderScratch(_ body: (UnsafeRawPointer) throws(FrameError) -> Void) throws(FrameError) {
        var copy = headerScratch
        let result = withUnsafeBytes(of: &copy) { raw in
            Result { () throws(FrameError) in try body(raw.baseAddress!) }
        }
        try result.get()
    }

    /// Checks everything the first two header bytes decide; returns the full header length.
    private func validateStart(_ b0: UInt8, _ b1: UInt8) throws(FrameError) -> Int {
        let opcode = b0 & 0x0F
        // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail_".
        guard Opcode(rawValue: opcode) != nil else { throw .reservedOpcode(opcode) }
        let isControl = opcode & 0x08 != 0
        // §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings".
        let reserved = (b0 >> 4) & 0x07
        if reserved & 0x03 != 0 || (reserved & 0x04 != 0 && deflate == nil) { throw .reservedBitsSet(bits: reserved) }
        // RFC 7692 §6.1: RSV1 is the "Per-Message Compressed" bit of the first frame of a data message;
        // control frames and continuations must not set it.
        if reserved & 0x04 != 0 && (isControl || opcode == 0) { throw .unexpectedCompressionBit }
        if isControl {
            // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
            guard b0 & 0x80 != 0 else { throw .fragmentedControlFrame }
            guard b1 & 0x7F <= 125 else { throw .controlFrameTooLong(length: Int(b1 & 0x7F)) }
        } else if opcode == 0 {
            // §5.4: continuation frames only inside a fragmented message.
            guard messageOpcode != 0 else { throw .unexpectedContinuation }
        } else {
            // §5.4: "fragments of one message MUST NOT be interleaved" with another data message.
            guard messageOpcode == 0 else { throw .expectedContinuation }
        }
        // §5.1: "The server MUST close the connection upon receiving a frame that is not masked."
        guard b1 & 0x80 != 0 else { throw .unmaskedClientFrame }
        let length7 = b1 & 0x7F
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4
    }

    /// Reads the payload length (header bytes up to the masking key) and checks it against the
    /// encoding rules and the limits, without changing any state. Returns the length.
    private func checkLength(_ p: UnsafeRawPointer) throws(FrameError) -> UInt64 {
        let b0 = p.load(as: UInt8.self)
        let length7 = p.load(fromByteOffset: 1, as: UInt8.self) & 0x7F
        var length = UInt64(length7)
        if length7 == 126 {
            length = UInt64(p.load(fromByteOffset: 2, as: UInt8.self)) << 8 | UInt64(p.load(fromByteOffset: 3, as: UInt8.self))
            // §5.2: "the minimal number of bytes MUST be used to encode the length".
            guard length >= 126 else { throw .nonMinimalLength }
        } else if length7 == 127 {
            length = 0
            for i in 2..<10 { length = length << 8 | UInt64(p.load(fromByteOffset: i, as: UInt8.self)) }
            // §5.2: "the most significant bit MUST be 0".
            guard length >> 63 == 0 else { throw .lengthTopBitSet }
            guard length > 0xFFFF else { throw .nonMinimalLength }
        }
        let opcode = b0 & 0x0F
        guard opcode & 0x08 == 0 else { return length }
        // §10.4: refuse oversized frames and messages as soon as the length is known, before
        // allocating anything for them.
        guard length <= UInt64(config.maxFrameBytes) else {
            throw .frameTooBig(length: length, limitBytes: config.maxFrameBytes)
        }
        let isFirst = opcode != 0
        if !isFirst && messageFragments + 1 > config.maxFragmentsPerMessage {
            throw .tooManyFragments(limit: config.maxFragmentsPerMessage)
        }
        // Compressed messages are measured while inflating instead.
        let compressed = isFirst ? b0 & 0x40 != 0 : messageCompressed
        let soFar = isFirst ? 0 : UInt64(message.count)
        if !compressed && soFar + length > UInt64(config.maxMessageBytes) {
            throw .messageTooBig(limitBytes: config.maxMessageBytes)
        }
        return length
    }

    /// Decodes a complete header (already passed `validateStart`) and opens the payload phase.
    private func decodeHeader(_ p: UnsafeRawPointer) throws(FrameError) {
        let length = try checkLength(p)
        let b0 = p.load(as: UInt8.self)
        let length7 = p.load(fromByteOffset: 1, as: UInt8.self) & 0x7F
        let keyOffset = length7 == 126 ? 4 : length7 == 127 ? 10 : 2
        let opcode = b0 & 0x0F
        if opcode == Opcode.text.rawValue || opcode == Opcode.binary.rawValue {
            messageOpcode = opcode
            messageCompressed = b0 & 0x40 != 0
            messageFragments = 1
        } else if opcode == 0 {
            messageFragments += 1
        }
        frameOpcode = opcode
        frameFin = b0 & 0x80 != 0
        frameMaskKey = Masking.key(
            p.load(fromByteOffset: keyOffset, as: UInt8.self), p.load(fromByteOffset: keyOffset + 1, as: UInt8.self),
            p.load(fromByteOffset: keyOffset + 2, as: UInt8.self), p.load(fromByteOffset: keyOffset + 3, as: UInt8.self))
        frameRemaining = Int(length)
        framePhase = 0
        readingHeader = false
    }

    private func consumePayload(_ p: UnsafeRawPointer, count n: Int) throws(FrameError) {
        if frameOpcode & 0x08 != 0 {
            control.reserve(additional: n)
            Masking.unmaskCopy(from: p, to: control.end, count: n, key: frameMaskKey, phase: framePhase)
            control.count += n
        } else if messageCompressed {
            try inflatePayload(p, count: n)
        } else {
            message.reserve(additional: n)
            let destination = message.end
            Masking.unmaskCopy(from: p, to: destination, count: n, key: frameMaskKey, phase: framePhase)
            message.count += n
            // §8.1: fail as soon as a byte proves the text invalid, mid-frame included.
            if messageOpcode == Opcode.text.rawValue && !utf8.validate(destination, count: n) { throw .invalidUTF8 }
        }
        framePhase += n
        frameRemaining -= n
    }

    private func finishFrame(output: inout [UInt8], onEvent: (WebSocketEvent) -> Void) throws(FrameError) {
        readingHeader = true
        if frameOpcode & 0x08 != 0 {
            try handleControlFrame(output: &output, onEvent: onEvent)
            return
        }
        guard frameFin else { return }
        if messageCompressed { try finishCompressedMessage() }
        let isText = messageOpcode == Opcode.text.rawValue
        // §8.1: the message must end on a complete character.
        if isText && !utf8.isComplete { throw .invalidUTF8 }
        messageOpcode = 0
        messageFragments = 0
        utf8.reset()
        if state == .open {
            let bytes = message.bytes
            onEvent(isText ? .text(bytes) : .binary(bytes))
        }
        message.clear(retainBytes: Self.retainedBufferBytes)
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
