import COpenSSL

extension TLSSession {
    /// "TLSv1.3" or "TLSv1.2" once the handshake is complete.
    public var negotiatedVersion: String? {
        guard SSL_is_init_finished(ssl) == 1, let version = SSL_get_version(ssl) else { return nil }
        return String(cString: version)
    }

    /// OpenSSL's name of the cipher suite, e.g. "TLS_AES_256_GCM_SHA384" or "ECDHE-ECDSA-AES128-GCM-SHA256".
    public var cipher: String? {
        guard SSL_is_init_finished(ssl) == 1, let cipher = SSL_get_current_cipher(ssl),
              let name = SSL_CIPHER_get_name(cipher) else { return nil }
        return String(cString: name)
    }

    /// The application protocol chosen by ALPN ("http/1.1"), nil if the client sent no ALPN.
    public var alpn: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// Whether the handshake resumed a cached session.
    public var isResumed: Bool { SSL_session_reused(ssl) == 1 }
}
