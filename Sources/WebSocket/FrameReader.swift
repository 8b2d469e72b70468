import Deflate

/// Incremental parser for client-to-server frames (RFC 6455 §5), sans-IO and independent of the
/// connection's close/ping state so it can be fuzzed on its own.
///
/// Theory of operation: it alternates between a header phase (2-14 bytes, kept in a 16-byte
/// scratch when split across reads) and a payload phase. Everything the first two bytes decide
/// is validated as soon as they arrive, and the length is checked against the limits as soon as
/// its last byte arrives, before the masking key and before any payload byte is stored. Payload
/// bytes are unmasked straight into the message buffer (or, when compressed, into a scratch piece
/// that is inflated into the message buffer), and text is UTF-8-validated as it arrives, so a bad
/// byte fails the connection without waiting for the rest of the frame (Autobahn 6.4.x).
/// `read` returns at each complete message or control frame; the caller consumes the bytes
/// (`message` / `control`) and calls `messageConsumed()` / `controlConsumed()`.
struct FrameReader: ~Copyable {
    struct Limits {
        var maxFrameBytes: Int
        var maxMessageBytes: Int
        var maxFragmentsPerMessage: Int
    }

    enum Output: Equatable {
        /// All input was used; nothing complete yet.
        case needMoreBytes
        /// A complete data message is in `message`.
        case message(isText: Bool)
        /// A complete control frame's payload is in `control`.
        case control(Opcode)
    }

    /// Message buffers larger than this are freed after use.
    static let retainedBufferBytes = 4 * 1024

    // Stored properties are laid out in the order written: the word-sized ones first, the bytes
    // after them, so the reader (allocated for every WebSocket) takes 184 bytes, not 200.
    let limits: Limits

    // Frame being parsed.
    var headerScratch: (UInt64, UInt64) = (0, 0)
    var headerCount = 0
    var headerLength = 0
    var frameRemaining = 0
    var framePhase = 0

    // Message being assembled (opcode 0 = none open).
    var messageCompressedBytes = 0
    var messageFragments = 0
    var message = ByteStorage()
    var control = ByteStorage()
    var compressedScratch = ByteStorage()
    var inflater: Inflater?

    var frameMaskKey: UInt32 = 0
    /// What inflating needs of the negotiated permessage-deflate parameters; nil when compression
    /// is off (then a frame with RSV1 set is an error).
    let inflate: InflateSetting?
    var readingHeader = true
    var frameOpcode: UInt8 = 0
    var frameFin = false
    var messageOpcode: UInt8 = 0
    var messageCompressed = false
    var utf8 = UTF8Validator()

    struct InflateSetting {
        /// The client's window (`client_max_window_bits`, 8-15).
        let windowBits: UInt8
        /// `client_no_context_takeover`: each message starts a new inflate stream.
        let resetAfterEachMessage: Bool

        init(_ parameters: PerMessageDeflateParameters) {
            windowBits = UInt8(clamping: parameters.inflateWindowBits)
            resetAfterEachMessage = parameters.clientNoContextTakeover
        }
    }

    init(limits: Limits, deflate: PerMessageDeflateParameters?) {
        self.limits = limits
        self.inflate = deflate.map(InflateSetting.init)
    }

    /// Parses from `base[offset..<count]`, advancing `offset`, until a message or control frame
    /// completes or the input is used up.
    mutating func read(_ base: UnsafeRawPointer, count: Int, offset: inout Int) throws(FrameError) -> Output {
        while offset < count {
            if readingHeader {
                offset += try consumeHeader(base + offset, available: count - offset)
            } else {
                let n = min(frameRemaining, count - offset)
                try consumePayload(base + offset, count: n)
                offset += n
            }
            if !readingHeader && frameRemaining == 0 {
                readingHeader = true
                if frameOpcode & 0x08 != 0 { return .control(Opcode(rawValue: frameOpcode)!) }
                if frameFin { return .message(isText: try finishMessage()) }
            }
        }
        return .needMoreBytes
    }

    mutating func messageConsumed() {
        message.clear(retainBytes: Self.retainedBufferBytes)
    }

    mutating func controlConsumed() {
        control.count = 0
    }

    /// Reads header bytes; returns how many were used. Completes the header when possible.
    private mutating func consumeHeader(_ p: UnsafeRawPointer, available: Int) throws(FrameError) -> Int {
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
                var copy = headerScratch
                let checked = withUnsafeBytes(of: &copy) { raw in
                    Result { () throws(FrameError) in try checkLength(raw.baseAddress!) }
                }
                _ = try checked.get()
            }
            if headerCount >= 2 && headerCount == headerLength {
                headerCount = 0
                var copy = headerScratch
                let decoded = withUnsafeBytes(of: &copy) { raw in
                    Result { () throws(FrameError) in try decodeHeader(raw.baseAddress!) }
                }
                try decoded.get()
                break
            }
        }
        return used
    }

    /// Checks everything the first two header bytes decide; returns the full header length.
    private func validateStart(_ b0: UInt8, _ b1: UInt8) throws(FrameError) -> Int {
        let opcode = b0 & 0x0F
        // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail_".
        guard Opcode(rawValue: opcode) != nil else { throw .reservedOpcode(opcode) }
        let isControl = opcode & 0x08 != 0
        // §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings".
        let reserved = (b0 >> 4) & 0x07
        if reserved & 0x03 != 0 || (reserved & 0x04 != 0 && inflate == nil) { throw .reservedBitsSet(bits: reserved) }
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
        guard length <= UInt64(limits.maxFrameBytes) else {
            throw .frameTooBig(length: length, limitBytes: limits.maxFrameBytes)
        }
        let isFirst = opcode != 0
        if !isFirst && messageFragments + 1 > limits.maxFragmentsPerMessage {
            throw .tooManyFragments(limit: limits.maxFragmentsPerMessage)
        }
        // Compressed messages are measured while inflating instead.
        let compressed = isFirst ? b0 & 0x40 != 0 : messageCompressed
        let soFar = isFirst ? 0 : UInt64(message.count)
        if !compressed && soFar + length > UInt64(limits.maxMessageBytes) {
            throw .messageTooBig(limitBytes: limits.maxMessageBytes)
        }
        return length
    }

    /// Decodes a complete header (already passed `validateStart`) and opens the payload phase.
    private mutating func decodeHeader(_ p: UnsafeRawPointer) throws(FrameError) {
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

    private mutating func consumePayload(_ p: UnsafeRawPointer, count n: Int) throws(FrameError) {
        if frameOpcode & 0x08 != 0 {
            control.reserve(additional: n)
            Masking.unmaskCopy(from: p, to: control.end, count: n, key: frameMaskKey, phase: framePhase)
            control.count += n
        } else if messageCompressed {
            try inflatePayload(p, count: n)
        } else {
            message.reserve(additional: n, growthLimit: limits.maxMessageBytes)
            let destination = message.end
            Masking.unmaskCopy(from: p, to: destination, count: n, key: frameMaskKey, phase: framePhase)
            message.count += n
            // §8.1: fail as soon as a byte proves the text invalid, mid-frame included.
            if messageOpcode == Opcode.text.rawValue && !utf8.validate(destination, count: n) { throw .invalidUTF8 }
        }
        framePhase += n
        frameRemaining -= n
    }

    /// Ends a message: flush the inflater, check the last character. Returns whether it is text.
    private mutating func finishMessage() throws(FrameError) -> Bool {
        if messageCompressed { try finishCompressedMessage() }
        let isText = messageOpcode == Opcode.text.rawValue
        // §8.1: the message must end on a complete character.
        if isText && !utf8.isComplete { throw .invalidUTF8 }
        messageOpcode = 0
        messageFragments = 0
        utf8.reset()
        return isText
    }
}
