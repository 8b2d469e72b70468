import ByteText
/// Limits and options for the server side of RFC 6455, one value per connection's lifetime.
/// Every limit names its unit; the defaults and their reasons are listed with each property.
public struct WebSocketServerConfig: Sendable {
    /// Largest inbound message, counted after decompression and reassembly. 64 KiB: OWASP's
    /// "typically 64KB or less" for application messages. Exceeding it closes with 1009.
    public var maxMessageBytes: Int
    /// Largest single inbound frame payload (compressed size for compressed frames), checked as soon
    /// as the length is read, before anything is allocated. Defaults to `maxMessageBytes`. -> 1009.
    public var maxFrameBytes: Int
    /// Most frames (first + continuations) in one message; bounds per-fragment work from floods of
    /// tiny fragments (ws 8.21.0 advisory). -> 1008.
    public var maxFragmentsPerMessage: Int
    /// Silence on the connection after which a ping is sent; nil disables keepalive pings.
    /// 25 s stays below the common 60 s proxy read timeout.
    public var pingInterval: Duration?
    /// Time allowed for the pong answering our ping before the connection is failed with 1011.
    public var pongTimeout: Duration
    /// Time allowed for the peer's Close after ours before the connection is reported closed.
    public var closeTimeout: Duration
    /// permessage-deflate (RFC 7692) policy; nil keeps compression off (CRIME/BREACH, OWASP).
    public var compression: PerMessageDeflatePolicy?
    /// Subprotocols the server speaks; the first one offered by the client that is listed here wins.
    public var subprotocols: [String]
    /// Which `Origin` values may open a connection (RFC 6455 §10.2).
    public var originPolicy: OriginPolicy

    public init(
        maxMessageBytes: Int = 64 * 1024,
        maxFrameBytes: Int? = nil,
        maxFragmentsPerMessage: Int = 1024,
        pingInterval: Duration? = .seconds(25),
        pongTimeout: Duration = .seconds(20),
        closeTimeout: Duration = .seconds(10),
        compression: PerMessageDeflatePolicy? = nil,
        subprotocols: [String] = [],
        originPolicy: OriginPolicy = .any
    ) {
        precondition(maxMessageBytes >= 0 && maxFragmentsPerMessage >= 1, "limits must be positive")
        self.maxMessageBytes = maxMessageBytes
        self.maxFrameBytes = maxFrameBytes ?? maxMessageBytes
        self.maxFragmentsPerMessage = maxFragmentsPerMessage
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.closeTimeout = closeTimeout
        self.compression = compression
        self.subprotocols = subprotocols
        self.originPolicy = originPolicy
    }
}

/// Origins allowed to open a WebSocket (RFC 6455 §10.2; OWASP: allowlist, no wildcards, no
/// substring matching).
public enum OriginPolicy: Sendable, Equatable {
    /// Any origin, or none (non-browser clients).
    case any
    /// Exactly these `scheme://host[:port]` values, compared case-insensitively (scheme and host are
    /// case-insensitive; no default-port normalisation). A request without `Origin` is refused.
    case allowList([String])

    func allows(_ origin: String?) -> Bool {
        switch self {
        case .any:
            return true
        case .allowList(let origins):
            guard let origin else { return false }
            let trimmed = ASCII.trimmed(Substring(origin))
            return origins.contains { ASCII.equalsIgnoringCase($0.utf8, trimmed.utf8) }
        }
    }
}
