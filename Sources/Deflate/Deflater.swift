import CZlib

/// Raw DEFLATE (RFC 1951) compression of whole messages for permessage-deflate (RFC 7692 §7.2.1).
///
/// Each message ends with a sync flush whose trailing `00 00 FF FF` is stripped, as RFC 7692
/// §7.2.1 requires. The compressed bytes land in a scratch buffer owned by the deflater, so the
/// caller can frame them without another allocation.
///
/// Memory choice: zlib's deflate needs `(1 << (windowBits + 2)) + (1 << (memLevel + 9))` bytes plus
/// about 6 KiB of state: 256 KiB at zlib's defaults 15/8, but 32 KiB at the 12/5 used by default
/// here. A 12-bit window keeps most of the ratio on chat-sized JSON messages.
///
/// zlib (since 1.2.9) refuses raw deflate with an 8-bit window, so 8 is raised to 9. That stays
/// within a peer's 256-byte window: zlib never emits a distance beyond `w_size - MIN_LOOKAHEAD`,
/// which is 512 - 262 = 250 bytes at 9 bits (the same reason zlib itself silently turns 8 into 9
/// for zlib-wrapped streams).
public final class Deflater {
    /// Scratch capacity kept between messages; larger buffers are freed after use so an idle
    /// connection does not hold on to the memory of its largest message.
    public static let retainedScratchBytes = 16 * 1024

    /// Window size (base-2 logarithm) actually given to zlib (9...15).
    public let windowBits: Int
    public let memoryLevel: Int
    public let level: Int
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: UnsafeMutableRawPointer?
    private var scratchCapacity = 0

    /// - Parameters:
    ///   - level: 0...9 (1 is fastest; small messages gain little from higher levels).
    ///   - windowBits: 8...15; 8 is raised to 9 (see the type's documentation).
    ///   - memoryLevel: 1...9.
    public init(level: Int = 1, windowBits: Int = 12, memoryLevel: Int = 5) throws(DeflateError) {
        precondition((0...9).contains(level), "level must be 0...9")
        precondition((8...15).contains(windowBits), "windowBits must be 8...15")
        precondition((1...9).contains(memoryLevel), "memoryLevel must be 1...9")
        self.level = level
        self.windowBits = max(windowBits, 9)
        self.memoryLevel = memoryLevel
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = czlib_deflate_init2(stream, Int32(level), -Int32(self.windowBits), Int32(memoryLevel))
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .initializationFailed(zlibCode: code)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        scratch?.deallocate()
    }

    /// Forgets the sliding window: used between messages for `server_no_context_takeover`
    /// (RFC 7692 §7.1.1.1).
    public func reset() {
        deflateReset(stream)
    }

    /// Compresses one whole message and passes the compressed bytes (tail stripped) to `body`.
    /// The buffer is valid only during the call.
    public func withCompressedMessage<R>(
        _ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        let produced = compressIntoScratch(input)
        defer { releaseLargeScratch() }
        return try body(UnsafeRawBufferPointer(start: scratch, count: produced))
    }

    /// Compresses one whole message and appends the compressed bytes (tail stripped) to `output`.
    public func compressMessage(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        withCompressedMessage(input) { output.append(contentsOf: $0) }
    }

    private func compressIntoScratch(_ input: UnsafeRawBufferPointer) -> Int {
        // deflateBound covers a complete stream; a sync flush adds at most an empty stored block.
        ensureScratch(Int(deflateBound(stream, UInt(input.count))) + 16)
        var dummy: UInt8 = 0
        var produced = 0
        withUnsafeMutablePointer(to: &dummy) { dummyPointer in
            let base = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
            var offset = 0
            repeat {
                let inCount = min(input.count - offset, Int(UInt32.max))
                stream.pointee.next_in = inCount > 0 ? base! + offset : dummyPointer
                stream.pointee.avail_in = UInt32(inCount)
                if produced == scratchCapacity { ensureScratch(scratchCapacity * 2) }
                stream.pointee.next_out = scratch!.assumingMemoryBound(to: UInt8.self) + produced
                stream.pointee.avail_out = UInt32(min(scratchCapacity - produced, Int(UInt32.max)))
                let before = Int(stream.pointee.avail_out)
                let code = deflate(stream, Z_SYNC_FLUSH)
                // Z_BUF_ERROR only means no progress was possible; anything else is a broken invariant.
                precondition(code == Z_OK || code == Z_BUF_ERROR, "deflate failed: \(code)")
                produced += before - Int(stream.pointee.avail_out)
                offset += inCount - Int(stream.pointee.avail_in)
            } while offset < input.count || stream.pointee.avail_out == 0
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        // zlib emits nothing for empty input right after a flush; RFC 7692 §7.2.3.6 sends an
        // empty message as the single octet 00 (an empty stored block once the tail is appended).
        if produced == 0 {
            scratch!.storeBytes(of: 0, as: UInt8.self)
            return 1
        }
        // A sync flush ends with an empty stored block whose LEN/NLEN are 00 00 FF FF (RFC 7692 §7.2.1).
        if produced >= 4 {
            let tail = scratch!.advanced(by: produced - 4).loadUnaligned(as: UInt32.self)
            if tail == UInt32(littleEndian: 0xFFFF_0000) { produced -= 4 }
        }
        return produced
    }

    private func ensureScratch(_ capacity: Int) {
        guard capacity > scratchCapacity else { return }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        if let old = scratch {
            grown.copyMemory(from: old, byteCount: scratchCapacity)
            old.deallocate()
        }
        scratch = grown
        scratchCapacity = capacity
    }

    private func releaseLargeScratch() {
        guard scratchCapacity > Deflater.retainedScratchBytes else { return }
        scratch?.deallocate()
        scratch = nil
        scratchCapacity = 0
    }
}
