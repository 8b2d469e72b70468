import ByteText
/// The server's opening handshake (RFC 6455 §4.2.1, §4.2.2), as a pure function of the request.
public enum ServerHandshake {
    /// RFC 6455 §1.3: the GUID appended to the key before hashing.
    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    public static func evaluate(_ request: HandshakeRequest, config: WebSocketServerConfig) -> HandshakeOutcome {
        switch check(request, config: config) {
        case .success(let acceptance): return .accepted(acceptance)
        case .failure(let rejection): return .rejected(rejection)
        }
    }

    /// `Sec-WebSocket-Accept` for a key (RFC 6455 §4.2.2 step 5.4): base64(SHA-1(key + GUID)).
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.digest(Array((key + acceptGUID).utf8)))
    }

    private static func check(_ request: HandshakeRequest, config: WebSocketServerConfig) -> Result<HandshakeAcceptance, HandshakeRejection> {
        // §4.2.1 (1): "An HTTP/1.1 or higher GET request".
        guard request.method == "GET" else { return .failure(rejection(.methodNotGet)) }
        guard (request.versionMajor, request.versionMinor) >= (1, 1) else { return .failure(rejection(.httpVersionBelow11)) }

        var hosts = 0, keys: [String] = [], versions: [String] = [], origin: String?
        var upgradeWebSocket = false, connectionUpgrade = false
        var protocolValues: [String] = [], extensionValues: [String] = []
        for (name, value) in request.headers {
            switch HeaderName(name) {
            case .host: hosts += 1
            case .upgrade: if ASCII.listContains(value, token: "websocket") { upgradeWebSocket = true }
            case .connection: if ASCII.listContains(value, token: "upgrade") { connectionUpgrade = true }
            case .key: keys.append(value)
            case .version: versions.append(value)
            case .origin: origin = value
            case .protocols: protocolValues.append(value)
            case .extensions: extensionValues.append(value)
            case .other: break
            }
        }
        // §4.2.1 (2): "A |Host| header field containing the server's authority" (RFC 9112 §3.2: exactly one).
        guard hosts == 1 else { return .failure(rejection(.missingHost)) }
        // §4.2.1 (3): "An |Upgrade| header field containing the value "websocket", treated as an
        // ASCII case-insensitive value."
        guard upgradeWebSocket else { return .failure(rejection(.missingUpgradeWebSocket)) }
        // §4.2.1 (4): "A |Connection| header field that includes the token "Upgrade", treated as an
        // ASCII case-insensitive value."
        guard connectionUpgrade else { return .failure(rejection(.missingConnectionUpgrade)) }
        // §4.2.1 (6) and §4.4: a version other than 13 gets 426 with the versions we speak. Checked
        // before the key, because older drafts send no Sec-WebSocket-Key at all.
        guard versions.count <= 1 else { return .failure(rejection(.repeatedVersion)) }
        guard let version = versions.first, ASCII.trimmed(Substring(version)) == "13" else {
            return .failure(rejection(.unsupportedVersion))
        }
        // §4.2.1 (5): "A |Sec-WebSocket-Key| header field with a base64-encoded value that, when
        // decoded, is 16 bytes in length." Sent once (§11.3.1: "MUST NOT appear more than once").
        guard keys.count <= 1 else { return .failure(rejection(.repeatedKey)) }
        guard let rawKey = keys.first else { return .failure(rejection(.missingKey)) }
        let key = ASCII.trimmed(Substring(rawKey))
        guard let decoded = Base64.decode(key), decoded.count == 16 else { return .failure(rejection(.invalidKey)) }
        // §10.2: "servers ... SHOULD verify the |Origin| field"; unacceptable origins get 403.
        guard config.originPolicy.allows(origin) else { return .failure(rejection(.originNotAllowed)) }

        let subprotocol = selectSubprotocol(offered: protocolValues, supported: config.subprotocols)
        var deflate: PerMessageDeflateParameters?
        if let policy = config.compression, !extensionValues.isEmpty,
           let offers = ExtensionHeaderParser.parse(extensionValues.joined(separator: ",")) {
            deflate = PerMessageDeflateNegotiation.negotiate(offers: offers, policy: policy)
        }

        var head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Accept: \(acceptValue(forKey: String(key)))\r\n"
        if let subprotocol { head += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        if let deflate { head += "Sec-WebSocket-Extensions: \(deflate.responseHeaderValue)\r\n" }
        head += "\r\n"
        return .success(HandshakeAcceptance(responseBytes: Array(head.utf8), subprotocol: subprotocol, deflate: deflate))
    }

    /// §4.2.2 step 5.4 /subprotocol/: the first value in the client's list that the server supports;
    /// none when nothing matches (the header is then omitted).
    static func selectSubprotocol(offered: [String], supported: [String]) -> String? {
        guard !supported.isEmpty else { return nil }
        for value in offered {
            for element in value.split(separator: ",", omittingEmptySubsequences: true) {
                let token = ASCII.trimmed(element)
                if let match = supported.first(where: { $0.utf8.elementsEqual(token.utf8) }) { return match }
            }
        }
        return nil
    }

    static func rejection(_ reason: HandshakeRejection.Reason) -> HandshakeRejection {
        let (status, text, body): (Int, String, String)
        var extraHeaders = ""
        switch reason {
        case .methodNotGet: (status, text, body) = (400, "Bad Request", "WebSocket upgrade requires GET.")
        case .httpVersionBelow11: (status, text, body) = (400, "Bad Request", "WebSocket upgrade requires HTTP/1.1.")
        case .missingHost: (status, text, body) = (400, "Bad Request", "Exactly one Host header is required.")
        case .missingUpgradeWebSocket: (status, text, body) = (400, "Bad Request", "Upgrade: websocket is required.")
        case .missingConnectionUpgrade: (status, text, body) = (400, "Bad Request", "Connection: Upgrade is required.")
        case .repeatedVersion: (status, text, body) = (400, "Bad Request", "Sec-WebSocket-Version must appear once.")
        case .missingKey: (status, text, body) = (400, "Bad Request", "Sec-WebSocket-Key is required.")
        case .repeatedKey: (status, text, body) = (400, "Bad Request", "Sec-WebSocket-Key must appear once.")
        case .invalidKey: (status, text, body) = (400, "Bad Request", "Sec-WebSocket-Key must be 16 bytes in base64.")
        case .originNotAllowed: (status, text, body) = (403, "Forbidden", "Origin not allowed.")
        case .unsupportedVersion:
            (status, text, body) = (426, "Upgrade Required", "Only WebSocket version 13 is supported.")
            // §4.4 asks for the supported versions; RFC 9110 §15.5.22 for an Upgrade field in a 426.
            extraHeaders = "Sec-WebSocket-Version: 13\r\nUpgrade: websocket\r\n"
        }
        let bodyBytes = Array((body + "\n").utf8)
        var head = "HTTP/1.1 \(status) \(text)\r\nConnection: close\r\n" + extraHeaders
        head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(bodyBytes.count)\r\n\r\n"
        return HandshakeRejection(reason: reason, status: status, responseBytes: Array(head.utf8) + bodyBytes)
    }
}

/// Header names the handshake reads, matched case-insensitively (RFC 9110 §5.1).
private enum HeaderName {
    case host, upgrade, connection, key, version, origin, protocols, extensions, other

    private static let known: [(String, HeaderName)] = [
        ("host", .host), ("upgrade", .upgrade), ("connection", .connection),
        ("sec-websocket-key", .key), ("sec-websocket-version", .version), ("origin", .origin),
        ("sec-websocket-protocol", .protocols), ("sec-websocket-extensions", .extensions),
    ]

    init(_ name: String) {
        self = Self.known.first { ASCII.equalsIgnoringCase($0.0, name) }?.1 ?? .other
    }
}
