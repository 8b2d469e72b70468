import COpenSSL

extension TLSContext {
    /// Loads the chain, then the key, then checks they belong together. Each step names its file.
    static func loadCredentials(_ context: OpaquePointer, _ configuration: TLSConfiguration)
        throws(TLSConfigurationError) -> Certificate {
        let chainPath = configuration.certificateChainPath
        let keyPath = configuration.privateKeyPath
        try checkReadable(chainPath, role: .certificateChain)
        try checkReadable(keyPath, role: .privateKey)

        OpenSSLErrorQueue.clear()
        guard SSL_CTX_use_certificate_chain_file(context, chainPath) == 1,
              let leaf = SSL_CTX_get0_certificate(context) else {
            throw .notPEM(path: chainPath, role: .certificateChain, openSSL: OpenSSLErrorQueue.drainText())
        }
        let key: PrivateKey
        do {
            key = try PrivateKey.load(path: keyPath)
        } catch {
            throw .notPEM(path: keyPath, role: .privateKey, openSSL: error.message)
        }
        // SSL_CTX_use_PrivateKey already compares against a certificate of the same key type; the explicit
        // check catches a key of another type (an RSA key next to an ECDSA certificate).
        OpenSSLErrorQueue.clear()
        guard SSL_CTX_use_PrivateKey(context, key.key) == 1, SSL_CTX_check_private_key(context) == 1 else {
            throw .keyDoesNotMatchCertificate(certificatePath: chainPath, keyPath: keyPath,
                                              openSSL: OpenSSLErrorQueue.drainText())
        }
        return Certificate(retaining: leaf)
    }

    static func validityWarnings(_ leaf: Certificate, path: String) -> [String] {
        var warnings: [String] = []
        if leaf.secondsUntilExpiry < 0 {
            warnings.append("certificate chain file \(path): certificate expired on \(leaf.notAfter)")
        } else if leaf.secondsUntilExpiry < 7 * 86_400 {
            warnings.append("certificate chain file \(path): certificate expires soon, on \(leaf.notAfter)")
        }
        if leaf.secondsUntilValid > 0 {
            warnings.append("certificate chain file \(path): certificate is not valid yet")
        }
        return warnings
    }

    private static func checkReadable(_ path: String, role: TLSConfigurationError.Role) throws(TLSConfigurationError) {
        switch FileSystem.check(path) {
        case .missing: throw .fileMissing(path: path, role: role)
        case let .unreadable(code): throw .fileUnreadable(path: path, role: role, openSSL: FileSystem.errorText(code))
        case .readable: return
        }
    }
}
