/// What a peer did wrong on an established connection. Each case maps to exactly one close code
/// in `CloseCode(for:)`.
public enum FrameError: Error, Equatable, Sendable {
    /// §5.1: "a client MUST mask all frames that it sends to the server".
    case unmaskedClientFrame
    /// §5.2: RSV bits "MUST be 0 unless an extension is negotiated that defines meanings".
    case reservedBitsSet(bits: UInt8)
    /// RFC 7692 §6.1: RSV1 only on the first frame of a data message, and only with permessage-deflate.
    case unexpectedCompressionBit
    /// §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
    case reservedOpcode(UInt8)
    /// §5.5: "All control frames MUST have a payload length of 125 bytes or less".
    case controlFrameTooLong(length: Int)
    /// §5.5: control frames "MUST NOT be fragmented".
    case fragmentedControlFrame
    /// §5.4: a continuation frame with no message in progress.
    case unexpectedContinuation
    /// §5.4: a new text or binary frame while a fragmented message is still open.
    case expectedContinuation
    /// §5.2: the 64-bit length's "most significant bit MUST be 0".
    case lengthTopBitSet
    /// §5.2: "the minimal number of bytes MUST be used to encode the length".
    case nonMinimalLength
    /// §10.4: a frame longer than `maxFrameBytes`, rejected when the length is read.
    case frameTooBig(length: UInt64, limitBytes: Int)
    /// §10.4: a message longer than `maxMessageBytes` after reassembly and decompression.
    case messageTooBig(limitBytes: Int)
    /// §10.4: more frames in one message than `maxFragmentsPerMessage`.
    case tooManyFragments(limit: Int)
    /// §8.1: text messages must be valid UTF-8.
    case invalidUTF8
    /// §5.5.1: a close body, if present, starts with a 2-byte code.
    case closePayloadTooShort
    /// §7.4: codes outside the ranges an endpoint may send.
    case invalidCloseCode(UInt16)
    /// §5.5.1: the close reason is UTF-8.
    case invalidCloseReasonUTF8
    /// RFC 7692 §6.2: the compressed payload is not valid DEFLATE data.
    case corruptCompressedData
}
