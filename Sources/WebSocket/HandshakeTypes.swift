/// The parts of an HTTP/1.1 request the opening handshake looks at (RFC 6455 §4.2.1).
public struct HandshakeRequest: Sendable {
    public var method: String
    public var target: String
    public var versionMajor: Int
    public var versionMinor: Int
    /// Header fields in arrival order; repeated names stay separate entries.
    public var headers: [(name: String, value: String)]

    public init(method: String, target: String, versionMajor: Int, versionMinor: Int, headers: [(name: String, value: String)]) {
        self.method = method
        self.target = target
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.headers = headers
    }
}

public enum HandshakeOutcome: Sendable {
    case accepted(HandshakeAcceptance)
    case rejected(HandshakeRejection)
}

public struct HandshakeAcceptance: Sendable {
    /// The complete `101 Switching Protocols` response.
    public var responseBytes: [UInt8]
    public var subprotocol: String?
    /// nil when permessage-deflate was not negotiated.
    public var deflate: PerMessageDeflateParameters?

    public init(responseBytes: [UInt8], subprotocol: String?, deflate: PerMessageDeflateParameters?) {
        self.responseBytes = responseBytes
        self.subprotocol = subprotocol
        self.deflate = deflate
    }
}

/// A refused handshake, carrying its complete HTTP response (with `Connection: close`); the
/// transport writes it and closes.
public struct HandshakeRejection: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case methodNotGet
        case httpVersionBelow11
        case missingHost
        case missingUpgradeWebSocket
        case missingConnectionUpgrade
        case repeatedVersion
        case unsupportedVersion
        case missingKey
        case repeatedKey
        case invalidKey
        case originNotAllowed
    }

    public var reason: Reason
    public var status: Int
    public var responseBytes: [UInt8]

    public init(reason: Reason, status: Int, responseBytes: [UInt8]) {
        self.reason = reason
        self.status = status
        self.responseBytes = responseBytes
    }
}
