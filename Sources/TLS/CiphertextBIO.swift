import COpenSSL

/// Ciphertext queued between the event loop and OpenSSL, owned by one `TLSSession`.
///
/// Why not `BIO_s_mem`: a memory BIO keeps its grown buffer after it is drained, so every idle connection
/// would hold the high-water mark of its traffic. Here both directions are plain arrays that are released
/// as soon as they are empty, so an idle session holds no ciphertext storage at all.
final class CiphertextBuffers {
    /// Received from the socket, not yet consumed by OpenSSL; bytes before `inboundOffset` are consumed.
    var inbound: [UInt8] = []
    var inboundOffset = 0
    /// Produced by OpenSSL, not yet taken by the event loop.
    var outbound: [UInt8] = []
    /// Set from the info callback when OpenSSL answered a TLS 1.2 renegotiation ClientHello.
    var refusedRenegotiation = false

    var inboundCount: Int { inbound.count - inboundOffset }

    func append(inbound bytes: UnsafeRawBufferPointer) {
        // OpenSSL usually drains the buffer (it keeps partial records in its own read buffer), but it stops
        // after a handshake flight; drop the consumed prefix so storage never holds bytes already read.
        if inboundOffset > 0 {
            inbound.removeSubrange(..<inboundOffset)
            inboundOffset = 0
        }
        inbound.append(contentsOf: bytes)
    }

    /// Copies up to `capacity` bytes out; frees the storage once everything has been consumed.
    func read(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let count = min(capacity, inboundCount)
        guard count > 0 else { return 0 }
        inbound.withUnsafeBytes { source in
            destination.copyMemory(from: source.baseAddress! + inboundOffset, byteCount: count)
        }
        inboundOffset += count
        if inboundOffset == inbound.count {
            inbound = []
            inboundOffset = 0
        }
        return count
    }
}

/// A source/sink BIO whose callbacks read from and append to `CiphertextBuffers`.
///
/// The BIO holds an unretained pointer to the buffers; `TLSSession` keeps the buffers alive and frees the
/// `SSL` (and with it the BIO) in its deinit, before the buffers go away.
enum CiphertextBIO {
    /// One method table per `TLSContext`, freed with it; sessions keep their context alive.
    static func makeMethod() -> OpaquePointer {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mingle ciphertext") else {
            fatalError("BIO_meth_new failed: out of memory")
        }
        BIO_meth_set_create(method) { bio in
            BIO_set_init(bio, 1)
            return 1
        }
        BIO_meth_set_write_ex(method) { bio, data, length, written in
            guard let bio, let data, let written else { return 0 }
            let buffers = CiphertextBIO.buffers(of: bio)
            buffers.outbound.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            written.pointee = length
            return 1
        }
        BIO_meth_set_read_ex(method) { bio, data, length, readBytes in
            guard let bio, let data, let readBytes else { return 0 }
            BIO_clear_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY)
            let count = CiphertextBIO.buffers(of: bio).read(into: data, capacity: length)
            readBytes.pointee = count
            if count == 0 {
                // Not end of stream: the event loop has simply not fed more bytes yet (WANT_READ).
                BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY)
                return 0
            }
            return 1
        }
        BIO_meth_set_ctrl(method) { bio, command, _, _ in
            switch command {
            case BIO_CTRL_FLUSH: return 1
            case BIO_CTRL_PENDING:
                guard let bio else { return 0 }
                return CiphertextBIO.buffers(of: bio).inboundCount
            case BIO_CTRL_WPENDING:
                guard let bio else { return 0 }
                return CiphertextBIO.buffers(of: bio).outbound.count
            default: return 0
            }
        }
        return method
    }

    static func makeBIO(method: OpaquePointer, buffers: CiphertextBuffers) -> OpaquePointer {
        guard let bio = BIO_new(method) else { fatalError("BIO_new failed: out of memory") }
        BIO_set_data(bio, Unmanaged.passUnretained(buffers).toOpaque())
        return bio
    }

    static func buffers(of bio: OpaquePointer) -> CiphertextBuffers {
        Unmanaged<CiphertextBuffers>.fromOpaque(BIO_get_data(bio)).takeUnretainedValue()
    }
}
