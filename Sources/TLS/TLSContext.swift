import COpenSSL

/// An `SSL_CTX` configured to Mozilla's guideline, with the listener's certificate chain and key.
///
/// Built once per event-loop thread and rebuilt on SIGHUP: a failed rebuild throws and the caller keeps
/// the old context; sessions hold their own reference, so existing connections keep working.
/// Not Sendable: OpenSSL would allow sharing, but one context per loop keeps every call single-threaded.
public final class TLSContext {
    let context: OpaquePointer
    let bioMethod: OpaquePointer
    public let configuration: TLSConfiguration
    /// The served leaf certificate, for the startup log.
    public let certificateSummary: CertificateSummary
    /// Problems that do not stop the server (an expired or not yet valid certificate), for the log.
    public let warnings: [String]

    public init(configuration: TLSConfiguration) throws(TLSConfigurationError) {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .settingRejected(setting: "SSL_CTX_new", openSSL: OpenSSLErrorQueue.drainText())
        }
        do {
            try Self.applyPolicy(context, configuration)
            let leaf = try Self.loadCredentials(context, configuration)
            self.certificateSummary = leaf.summary
            self.warnings = Self.validityWarnings(leaf, path: configuration.certificateChainPath)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
        self.bioMethod = CiphertextBIO.makeMethod()
        self.configuration = configuration
    }

    deinit {
        SSL_CTX_free(context)
        BIO_meth_free(bioMethod)
    }

    /// A new server-side session for one accepted connection.
    public func makeSession() -> TLSSession { TLSSession(context: self) }

    /// Sessions currently held for resumption.
    public var cachedSessionCount: Int { mingle_ctx_session_count(context) }

    private static func applyPolicy(_ context: OpaquePointer, _ configuration: TLSConfiguration)
        throws(TLSConfigurationError) {
        let lowest = configuration.profile == .modern ? TLS1_3_VERSION : TLS1_2_VERSION
        try check(mingle_ctx_set_proto_range(context, lowest, TLS1_3_VERSION) == 1, "protocol versions")
        try check(SSL_CTX_set_cipher_list(context, MozillaGuideline.tls12Ciphers) == 1, "TLS 1.2 ciphers")
        try check(SSL_CTX_set_ciphersuites(context, MozillaGuideline.tls13Suites) == 1, "TLS 1.3 suites")
        try check(mingle_ctx_set_groups(context, MozillaGuideline.groups) == 1, "groups")
        // SSL_OP_CIPHER_SERVER_PREFERENCE stays off: every suite offered is strong, so the client may pick
        // (ChaCha20 on phones without AES instructions). Mozilla: server_preferred_order false.
        _ = mingle_ctx_set_hardening_options(context)
        _ = mingle_ctx_set_modes(context)
        _ = mingle_ctx_session_cache(context, configuration.sessionCacheEntries)
        SSL_CTX_set_timeout(context, Int(configuration.sessionLifetime.components.seconds))
        try check(configuration.sessionTicketKeys.install(in: context), "session ticket keys")
        // One resumption ticket per TLS 1.3 handshake instead of OpenSSL's two: a browser resumes with one,
        // and each ticket costs an encryption and a record on every full handshake.
        SSL_CTX_set_num_tickets(context, 1)
        let idContext = MozillaGuideline.sessionIDContext
        try check(SSL_CTX_set_session_id_context(context, idContext, UInt32(idContext.count)) == 1,
                  "session id context")
        mingle_ctx_alpn_http11_only(context)
        // With SSL_OP_NO_RENEGOTIATION, OpenSSL 3.0 answers a renegotiating ClientHello with a *warning*
        // no_renegotiation alert and keeps the connection. We end such sessions instead: a client that
        // renegotiates on an HTTP/1.1 or WebSocket connection is misbehaving (or probing for CVE-2011-1473).
        SSL_CTX_set_info_callback(context) { ssl, event, value in
            guard event & SSL_CB_WRITE_ALERT != 0, value & 0xFF == SSL_AD_NO_RENEGOTIATION,
                  let ssl, let bio = SSL_get_rbio(ssl) else { return }
            CiphertextBIO.buffers(of: bio).refusedRenegotiation = true
        }
    }

    private static func check(_ accepted: Bool, _ setting: String) throws(TLSConfigurationError) {
        guard accepted else { throw .settingRejected(setting: setting, openSSL: OpenSSLErrorQueue.drainText()) }
    }
}
