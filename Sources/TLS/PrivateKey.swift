import COpenSSL

/// An owned `EVP_PKEY`, used to make development and test certificates.
public final class PrivateKey {
    let key: OpaquePointer

    init(owning key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// A fresh ECDSA key on P-256 (prime256v1), the curve Mozilla recommends for certificates.
    public static func generateP256() throws(CertificateError) -> PrivateKey {
        OpenSSLErrorQueue.clear()
        guard let key = mingle_ec_p256_keygen() else {
            throw CertificateError("cannot generate a P-256 key (\(OpenSSLErrorQueue.drainText()))")
        }
        return PrivateKey(owning: key)
    }

    /// Reads a PEM private key. Encrypted keys are refused rather than prompting on the terminal.
    public static func load(path: String) throws(CertificateError) -> PrivateKey {
        OpenSSLErrorQueue.clear()
        guard let file = BIO_new_file(path, "r") else {
            throw CertificateError("\(path): cannot open (\(OpenSSLErrorQueue.drainText()))")
        }
        defer { BIO_free(file) }
        guard let key = PEM_read_bio_PrivateKey(file, nil, { _, _, _, _ in 0 }, nil) else {
            throw CertificateError("\(path): not a PEM private key (\(OpenSSLErrorQueue.drainText()))")
        }
        return PrivateKey(owning: key)
    }

    /// Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY").
    public var pem: String {
        let out = MemoryBIO()
        guard PEM_write_bio_PrivateKey(out.bio, key, nil, nil, 0, nil, nil) == 1 else {
            fatalError("PEM_write_bio_PrivateKey failed: \(OpenSSLErrorQueue.drainText())")
        }
        return out.takeString()
    }
}

/// A certificate or key could not be made, read or written; the message names the file or step.
public struct CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
