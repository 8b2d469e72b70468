/// A request the parser refuses, named for what the peer did. Every one ends the connection: once
/// framing is in doubt, nothing after it on the same connection can be trusted to be a new request.
public struct RequestError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        // Request line (RFC 9112 §3).
        case requestLineTooLong
        case malformedRequestLine
        case invalidMethod
        case invalidTarget
        case malformedVersion
        case unsupportedVersion
        // Line endings and header section (RFC 9112 §2.2, §5).
        case bareLineFeed
        case whitespaceAfterStartLine
        case obsoleteLineFolding
        case whitespaceBeforeColon
        case invalidHeaderName
        case invalidHeaderValue
        case headerLineTooLong
        case tooManyHeaders
        case headTooLarge
        // Host (RFC 9112 §3.2).
        case missingHost
        case duplicateHost
        case invalidHost
        // Framing (RFC 9112 §6).
        case contentLengthWithTransferEncoding
        case malformedContentLength
        case conflictingContentLength
        case transferEncodingInHTTP10
        case malformedTransferEncoding
        case chunkedNotFinal
        case unsupportedTransferCoding
        case bodyTooLarge
        // Chunked body (RFC 9112 §7.1).
        case invalidChunkSize
        case invalidChunkExtension
        case chunkLineTooLong
        case missingChunkDataTerminator
        case invalidTrailer
        case trailerTooLarge
    }

    public let kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The status the rejection is answered with.
    public var status: Int {
        switch kind {
        case .requestLineTooLong: 414
        case .headerLineTooLong, .tooManyHeaders, .headTooLarge, .trailerTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupportedVersion: 505
        case .unsupportedTransferCoding: 501
        default: 400
        }
    }

    /// The complete response to send before closing: a short text body and `Connection: close`.
    public var responseBytes: [UInt8] {
        HTTPResponse(for: self).serialize()
    }
}

extension HTTPResponse {
    /// The one place a parse error becomes a wire reply.
    public init(for error: RequestError) {
        self = .status(error.status)
        headers.append(name: "Connection", value: "close")
    }
}
