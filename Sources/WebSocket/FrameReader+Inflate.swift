import Deflate

/// permessage-deflate on the receive side (RFC 7692 §7.2.2): compressed payload bytes are
/// unmasked into a scratch buffer in pieces and inflated straight into the message buffer, whose
/// size is checked after every zlib step (at most one `Inflater.chunkBytes` step past the limit).
extension FrameReader {
    static let compressedPieceBytes = 16 * 1024

    mutating func inflatePayload(_ p: UnsafeRawPointer, count n: Int) throws(FrameError) {
        messageCompressedBytes += n
        var offset = 0
        while offset < n {
            let piece = min(n - offset, Self.compressedPieceBytes)
            compressedScratch.count = 0
            compressedScratch.reserve(additional: piece)
            Masking.unmaskCopy(from: p + offset, to: compressedScratch.end, count: piece, key: frameMaskKey, phase: framePhase + offset)
            compressedScratch.count = piece
            try inflate(compressedScratch.bytes)
            offset += piece
        }
    }

    /// §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of the message"
    /// and decompress; then restart the stream if the client resets its context.
    mutating func finishCompressedMessage() throws(FrameError) {
        // A sender whose compressor had nothing to flush sends an empty payload (zlib emits nothing
        // for a repeated sync flush); appending the tail to nothing would open a stored block.
        if messageCompressedBytes > 0 {
            let result = Inflater.messageTail.withUnsafeBytes { tail in
                Result { () throws(FrameError) in try inflate(tail) }
            }
            try result.get()
        }
        messageCompressedBytes = 0
        inflater?.finishMessage()
        if inflate?.resetAfterEachMessage == true { inflater?.reset() }
        compressedScratch.clear(retainBytes: Self.retainedBufferBytes)
    }

    private mutating func inflate(_ input: UnsafeRawBufferPointer) throws(FrameError) {
        let inflater = try inflaterForUse()
        let limit = limits.maxMessageBytes
        var consumed = 0
        while true {
            let room = min(Inflater.chunkBytes, limit + 1 - message.count)
            message.reserve(additional: room, growthLimit: limit + 1)
            let destination = message.end
            let step: (consumed: Int, produced: Int)
            do {
                step = try inflater.inflate(
                    UnsafeRawBufferPointer(rebasing: input[consumed...]),
                    into: UnsafeMutableRawBufferPointer(start: destination, count: room))
            } catch {
                throw .corruptCompressedData
            }
            message.count += step.produced
            // §10.4 after decompression: stop the moment the message passes the limit.
            if message.count > limit { throw .messageTooBig(limitBytes: limit) }
            if messageOpcode == Opcode.text.rawValue && !utf8.validate(destination, count: step.produced) {
                throw .invalidUTF8
            }
            consumed += step.consumed
            let outputFull = step.produced == room
            let stalled = step.consumed == 0 && step.produced == 0
            if stalled || (!outputFull && consumed == input.count) { return }
        }
    }

    private mutating func inflaterForUse() throws(FrameError) -> Inflater {
        if let inflater { return inflater }
        do {
            let created = try Inflater(windowBits: Int(inflate?.windowBits ?? 15))
            inflater = created
            return created
        } catch {
            throw .corruptCompressedData
        }
    }
}
