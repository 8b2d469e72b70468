import COpenSSL

/// The keys that seal TLS session tickets (RFC 8446 §4.6.1; RFC 5077 for TLS 1.2): a 16-byte key name,
/// a 32-byte HMAC-SHA256 key and a 32-byte AES-256-CBC key, in the layout `SSL_CTX_set_tlsext_ticket_keys`
/// takes.
///
/// Why one set per process: each event loop builds its own `TLSContext`, and a reconnecting browser lands
/// on whichever loop accepts it. With OpenSSL's default (random keys per `SSL_CTX`) a ticket would only
/// resume on the loop that issued it; with these shared by every context (and kept across a certificate
/// reload) any loop resumes any ticket. They live in memory only and are never written anywhere, so a
/// restart rotates them; tickets expire after `TLSConfiguration.sessionLifetime` in any case.
public struct SessionTicketKeys: Sendable, Equatable, CustomStringConvertible {
    static let byteCount = 80
    let bytes: [UInt8]

    /// Fresh keys from OpenSSL's CSPRNG.
    public static func random() -> SessionTicketKeys {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        guard RAND_bytes(&bytes, Int32(byteCount)) == 1 else {
            fatalError("RAND_bytes failed: \(OpenSSLErrorQueue.drainText())")
        }
        return SessionTicketKeys(bytes: bytes)
    }

    /// Never the key material.
    public var description: String { "SessionTicketKeys(<redacted>)" }

    func install(in context: OpaquePointer) -> Bool {
        bytes.withUnsafeBufferPointer { mingle_ctx_set_ticket_keys(context, $0.baseAddress, $0.count) == 1 }
    }
}
