/// What the server is willing to negotiate for permessage-deflate (RFC 7692 §7).
///
/// Memory per connection with the defaults: the deflater costs about 38 KiB (12-bit window,
/// memLevel 5) and the inflater about 11 KiB when the client lets us limit its window to 12 bits
/// (39 KiB at 15 bits when it does not), both created on first use.
public struct PerMessageDeflatePolicy: Sendable, Equatable {
    /// Window (base-2 log, 8...15) the server compresses with; answered as `server_max_window_bits`
    /// when the client asks for a smaller one. 12: most of the ratio at 1/8 of zlib's default memory.
    public var serverMaxWindowBits: Int
    /// Window (9...15) the client is asked to use when its offer allows it (`client_max_window_bits`).
    /// 12 keeps the inflater small; 15 means "do not ask".
    public var clientMaxWindowBits: Int
    /// Reset the compressor after every message even if the client did not ask. On by default so
    /// secrets and attacker-controlled text never share a compression context (RFC 7692 §8, CRIME).
    public var serverNoContextTakeover: Bool
    /// Ask the client to reset its compressor after every message (costs the client ratio; lets the
    /// server reset its inflater too).
    public var clientNoContextTakeover: Bool
    /// zlib compression level 1...9. 1: fastest; chat-sized messages gain little from higher levels.
    public var compressionLevel: Int
    /// zlib memLevel 1...9. 5: 16 KiB of hash/buffer state instead of 128 KiB at 8.
    public var memoryLevel: Int
    /// Outbound messages shorter than this are sent uncompressed (RSV1 clear, which RFC 7692 §6
    /// allows on a deflate connection): tiny messages do not shrink and zlib costs about 1.5 µs
    /// each. 0 compresses everything.
    public var minimumMessageBytesToCompress: Int

    public init(
        serverMaxWindowBits: Int = 12,
        clientMaxWindowBits: Int = 12,
        serverNoContextTakeover: Bool = true,
        clientNoContextTakeover: Bool = false,
        compressionLevel: Int = 1,
        memoryLevel: Int = 5,
        minimumMessageBytesToCompress: Int = 0
    ) {
        precondition((8...15).contains(serverMaxWindowBits), "serverMaxWindowBits must be 8...15")
        // 8 is excluded: a client using zlib cannot compress with an 8-bit raw window.
        precondition((9...15).contains(clientMaxWindowBits), "clientMaxWindowBits must be 9...15")
        precondition((1...9).contains(compressionLevel), "compressionLevel must be 1...9")
        precondition((1...9).contains(memoryLevel), "memoryLevel must be 1...9")
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.compressionLevel = compressionLevel
        self.memoryLevel = memoryLevel
        self.minimumMessageBytesToCompress = max(0, minimumMessageBytesToCompress)
    }
}

/// The permessage-deflate agreement of one connection, as answered in the 101 response.
public struct PerMessageDeflateParameters: Sendable, Equatable {
    /// The server resets its compressor after each message.
    public var serverNoContextTakeover: Bool
    /// The client resets its compressor after each message, so our inflater may reset too.
    public var clientNoContextTakeover: Bool
    /// `server_max_window_bits` as answered, nil when not part of the response.
    public var serverMaxWindowBits: Int?
    /// `client_max_window_bits` as answered, nil when not part of the response.
    public var clientMaxWindowBits: Int?
    /// Window the server compresses with (what `Deflater` is created with).
    public var deflateWindowBits: Int
    /// Largest window the client may use (what `Inflater` is created with).
    public var inflateWindowBits: Int

    public init(
        serverNoContextTakeover: Bool, clientNoContextTakeover: Bool,
        serverMaxWindowBits: Int?, clientMaxWindowBits: Int?,
        deflateWindowBits: Int, inflateWindowBits: Int
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.deflateWindowBits = deflateWindowBits
        self.inflateWindowBits = inflateWindowBits
    }

    /// The `Sec-WebSocket-Extensions` response value.
    public var responseHeaderValue: String {
        var value = "permessage-deflate"
        if serverNoContextTakeover { value += "; server_no_context_takeover" }
        if clientNoContextTakeover { value += "; client_no_context_takeover" }
        if let bits = serverMaxWindowBits { value += "; server_max_window_bits=\(bits)" }
        if let bits = clientMaxWindowBits { value += "; client_max_window_bits=\(bits)" }
        return value
    }
}
