import CZlib

/// Raw DEFLATE (RFC 1951) decompression for permessage-deflate (RFC 7692).
///
/// The output limit is enforced *while* inflating: output grows in chunks of at most
/// `Inflater.chunkBytes`, and inflation stops with `.outputLimitExceeded` as soon as the output
/// passes the limit, so a decompression bomb never allocates more than limit + 1 bytes of output
/// (RFC 6455 §10.4 applied after decompression; CVE-2018-1000518 was the missing check).
///
/// Memory: zlib allocates about 7 KiB of state plus a window of `1 << windowBits` bytes on first
/// use (32 KiB at 15 bits, 4 KiB at 12), freed in `deinit`.
public final class Inflater {
    /// Largest output step handed to zlib in one call.
    public static let chunkBytes = 16 * 1024
    /// The four octets RFC 7692 §7.2.2 asks the receiver to append at the end of every message.
    public static let messageTail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    /// Window size (base-2 logarithm) the stream was created with.
    public let windowBits: Int
    private let stream: UnsafeMutablePointer<z_stream>
    /// Set when the peer ended the DEFLATE stream with a BFINAL block; the rest of that message is ignored.
    private var reachedStreamEnd = false

    /// - Parameter windowBits: 8...15; the largest window the peer is allowed to use.
    public init(windowBits: Int = 15) throws(InflateError) {
        precondition((8...15).contains(windowBits), "windowBits must be 8...15")
        self.windowBits = windowBits
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = czlib_inflate_init2(stream, -Int32(windowBits))
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw code == Z_MEM_ERROR ? .outOfMemory : .initializationFailed(zlibCode: code)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Forgets the sliding window: used between messages when the peer agreed to
    /// `client_no_context_takeover` (RFC 7692 §7.1.1.2).
    public func reset() {
        inflateReset(stream)
        reachedStreamEnd = false
    }

    /// Called at the end of every message: after a BFINAL block the stream must be restarted,
    /// keeping the window so later messages may still refer to it.
    public func finishMessage() {
        if reachedStreamEnd {
            inflateResetKeep(stream)
            reachedStreamEnd = false
        }
    }

    /// One zlib step: inflates from `input` into `output` and says how much of each was used.
    /// Callers loop while input remains or the output filled up completely.
    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateError) -> (consumed: Int, produced: Int) {
        if reachedStreamEnd { return (input.count, 0) }
        guard let outBase = output.baseAddress, output.count > 0 else { return (0, 0) }
        let inCount = min(input.count, Int(UInt32.max))
        let outCount = min(output.count, Int(UInt32.max))
        var dummy: UInt8 = 0
        return try withUnsafeMutablePointer(to: &dummy) { (dummyPointer) throws(InflateError) in
            let inBase = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
            stream.pointee.next_in = inCount > 0 ? inBase : dummyPointer
            stream.pointee.avail_in = UInt32(inCount)
            stream.pointee.next_out = outBase.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(outCount)
            let code = CZlib.inflate(stream, Z_SYNC_FLUSH)
            let consumed = inCount - Int(stream.pointee.avail_in)
            let produced = outCount - Int(stream.pointee.avail_out)
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            switch code {
            case Z_OK, Z_BUF_ERROR:
                return (consumed, produced)
            case Z_STREAM_END:
                reachedStreamEnd = true
                return (input.count, produced)
            case Z_MEM_ERROR:
                throw .outOfMemory
            default:
                throw .corruptData(zlibCode: code)
            }
        }
    }

    /// Inflates all of `input`, appending to `output` in steps of at most `chunkBytes`, and throws
    /// `.outputLimitExceeded` once `output.count` would pass `limitBytes`.
    public func inflate(
        _ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8], limitBytes: Int
    ) throws(InflateError) {
        var offset = 0
        while true {
            let room = min(Inflater.chunkBytes, limitBytes + 1 - output.count)
            guard room > 0 else { throw .outputLimitExceeded(limitBytes: limitBytes) }
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: room))
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let result = output.withUnsafeMutableBytes { buffer in
                Result { () throws(InflateError) in
                    try inflate(rest, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
                }
            }
            let step: (consumed: Int, produced: Int)
            do {
                step = try result.get()
            } catch {
                // Leave only what was inflated: not the room reserved for this step.
                output.removeLast(room)
                throw error
            }
            output.removeLast(room - step.produced)
            if output.count > limitBytes { throw .outputLimitExceeded(limitBytes: limitBytes) }
            offset += step.consumed
            let outputFull = step.produced == room
            if !outputFull && (offset == input.count || step.consumed == 0 && step.produced == 0) { return }
        }
    }
}
