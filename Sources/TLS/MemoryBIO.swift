import COpenSSL

/// A short-lived OpenSSL memory BIO for turning certificates, names and times into text or PEM.
/// Never used on the connection path (sessions use `CiphertextBIO`).
struct MemoryBIO: ~Copyable {
    let bio: OpaquePointer

    init() {
        guard let bio = BIO_new(BIO_s_mem()) else { fatalError("BIO_new(BIO_s_mem) failed: out of memory") }
        self.bio = bio
    }

    deinit { BIO_free(bio) }

    /// Everything written so far, consumed.
    func takeBytes() -> [UInt8] {
        let count = Int(BIO_ctrl_pending(bio))
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = Int(max(0, BIO_read(bio, buffer.baseAddress, Int32(count))))
        }
    }

    func takeString() -> String { String(decoding: takeBytes(), as: UTF8.self) }
}
