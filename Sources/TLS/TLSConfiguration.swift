/// Which clients a listener accepts. Both follow Mozilla's server-side TLS guideline 6.0.
public enum TLSProfile: Sendable, Equatable {
    /// TLS 1.2 and 1.3: event attendees bring old phones (Android 4.4.2, Safari 9, Chrome 49).
    case intermediate
    /// TLS 1.3 only: for the admin listener.
    case modern
}

/// What a listener needs to build a `TLSContext`.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM file with the leaf certificate first, then its intermediates (the full chain is sent).
    public var certificateChainPath: String
    /// PEM private key matching the leaf certificate.
    public var privateKeyPath: String
    public var profile: TLSProfile
    /// Sessions kept for resumption by session ID per context, about 1 KiB each while cached: only for
    /// TLS 1.2 clients that send no session ticket extension; tickets (TLS 1.2 and 1.3) keep nothing here.
    public var sessionCacheEntries: Int
    /// How long a session (cached or in a ticket) may be resumed. Mozilla suggests one day; nginx uses 5 minutes.
    public var sessionLifetime: Duration
    /// Seal the session tickets; every context built from this configuration shares them.
    public var sessionTicketKeys: SessionTicketKeys

    public init(certificateChainPath: String, privateKeyPath: String, profile: TLSProfile = .intermediate,
                sessionCacheEntries: Int = 20_000, sessionLifetime: Duration = .seconds(86_400),
                sessionTicketKeys: SessionTicketKeys = .random()) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.profile = profile
        self.sessionCacheEntries = sessionCacheEntries
        self.sessionLifetime = sessionLifetime
        self.sessionTicketKeys = sessionTicketKeys
    }
}

/// The exact strings handed to OpenSSL (Mozilla guideline 6.0, intermediate and modern).
enum MozillaGuideline {
    /// Forward-secret AEAD suites only; 6.0 dropped the DHE suites (D(HE)at, CVE-2002-20001).
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    /// The guideline lists X25519MLKEM768 first; OpenSSL 3.0 rejects the whole list when it is present.
    static let groups = "X25519:prime256v1:secp384r1"
    /// Resumption only works within the context that issued the session.
    static let sessionIDContext: [UInt8] = Array("mingle".utf8)
}
