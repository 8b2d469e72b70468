import Mingling

/// Everything the server needs to run, with defaults that work with zero setup.
/// Loaded from `Config/server.json` (documented in Config/README.md, "Server settings")
/// and overridden by command-line flags.
public struct ServerSettings: Sendable {
    // Listening
    public var host: String = "127.0.0.1"
    public var port: UInt16 = 8443
    /// Plain TCP instead of TLS, for running behind a TLS-terminating proxy.
    public var plain: Bool = false
    /// Event loop threads; 0 means one per core.
    public var loops: Int = 0

    // TLS
    public var certificatePath: String?
    public var privateKeyPath: String?
    /// Where the self-signed development certificate is made and cached.
    public var devCertificateDirectory: String = ".dev-certs"

    // Event
    /// The event file (see Config/README.md); nil serves echo and static files only.
    public var eventConfigPath: String? = "Config/event.json"
    /// Journal, server secret and logs live here.
    public var stateDirectory: String = "var"
    /// Seeds the pairing randomness (reproducible runs); nil derives it from the server secret, so it is
    /// the same after a restart (decisions are replayable) and unknown to anyone without the state directory.
    public var randomSeed: UInt64?
    /// Engine timings (`mingling.*` in server.json).
    public var engine = EngineSettings()
    /// Resume tokens work until the event's last session ended this long ago (`mingling.resumeTokensValidAfterEventSeconds`).
    public var resumeTokensValidAfterEventSeconds = 86_400

    /// Admin token; when nil, `MINGLE_ADMIN_TOKEN`, else one is generated into the state directory.
    public var adminToken: String?

    // Endpoints
    /// `/echo` WebSocket endpoint for conformance and benchmark runs; off by default.
    public var echoEndpoint: Bool = false
    /// Serve web assets from this directory instead of the built-in ones.
    public var publicDirectory: String?
    /// Where this event is mounted under a shared host name ("/e/cocreation"; "" for the root only):
    /// requests under it are served with the prefix stripped, and every URL handed out for them keeps
    /// it (`BasePath`). Set with `setBasePath`, which checks it.
    public var basePath: String { base.value }
    var base = BasePath.root
    /// Origins allowed to open attendee and admin WebSockets. Empty means same-origin only
    /// (the `Origin` must match `https://<Host header>`).
    public var allowedOrigins: [String] = []

    // WebSocket limits
    public var maxMessageBytes: Int = 64 * 1024
    public var maxFragmentsPerMessage: Int = 1024
    public var pingInterval: Duration = .seconds(25)
    public var pongTimeout: Duration = .seconds(20)
    public var closeTimeout: Duration = .seconds(10)
    /// permessage-deflate on the attendee endpoint (off by default: CRIME/BREACH, memory).
    public var compression: Bool = false
    /// permessage-deflate on the `/echo` endpoint (on: conformance runs test it).
    public var echoCompression: Bool = true
    /// Echo endpoint message limit (Autobahn's 9.x cases send up to 16 MiB).
    public var echoMaxMessageBytes: Int = 16 * 1024 * 1024

    // HTTP limits
    /// From accept to a complete request head (TLS handshake included).
    public var handshakeTimeout: Duration = .seconds(10)
    public var keepAliveTimeout: Duration = .seconds(75)
    public var maxRequestLineBytes: Int = 8192
    public var maxHeaderLineBytes: Int = 8192
    public var maxHeaderCount: Int = 64
    public var maxHeadBytes: Int = 16 * 1024
    public var maxBodyBytes: Int = 1024 * 1024

    // Connections
    public var maxConnections: Int = 19_500
    public var outboundSoftLimitBytes: Int = 64 * 1024
    public var outboundHardLimitBytes: Int = 256 * 1024
    public var slowConsumerTimeout: Duration = .seconds(30)

    // Logs
    public var logFormat: Log.Format = .text
    public var logLevel: Log.Level = .info
    /// The connection log: one JSON line per connection lifecycle event (README.md, "Connection log").
    public var connectionLogEnabled: Bool = true
    /// nil: `<stateDirectory>/connections.jsonl`.
    public var connectionLogPath: String?
    /// The active file is rotated when it would pass this size (and at every UTC midnight).
    public var connectionLogMaxFileBytes: Int = 64 * 1024 * 1024
    /// Plain mode behind a reverse proxy: the header that proxy sets to the client's address
    /// (e.g. "X-Forwarded-For"); its last entry is used for logs and admin lockouts. Unset by
    /// default: a header any client can send is never trusted unless configured.
    public var forwardedForHeader: String?
    /// `/metrics` without the admin token (for a scraper on a private network); off by default.
    public var metricsPublic: Bool = false

    /// Short-lived TURN credentials for breakout audio/video (`turn.*`); nil: none are issued.
    public var turn: TurnSettings?

    public var resolvedConnectionLogPath: String? {
        connectionLogEnabled ? (connectionLogPath ?? stateDirectory + "/connections.jsonl") : nil
    }

    public init() {}

    /// Sets `basePath`; returns why not when the text is not a valid base path (nothing changes then).
    public mutating func setBasePath(_ text: String) -> String? {
        switch BasePath.parse(text) {
        case .success(let b): base = b; return nil
        case .failure(let e): return e.description
        }
    }

    /// The URL scheme browsers use to reach us.
    public var httpScheme: String { plain ? "http" : "https" }
}
