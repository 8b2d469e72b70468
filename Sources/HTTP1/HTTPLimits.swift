/// Bounds on what one request may make the parser hold. Each is checked as bytes arrive, so a
/// peer that never sends a line ending is rejected once it passes the bound, not buffered.
public struct HTTPLimits: Sendable, Equatable {
    /// Request line without its CRLF. 8 KiB as in Python websockets and nginx's large buffers;
    /// longer URLs come from broken or hostile clients. Exceeded -> 414.
    public var maxRequestLineBytes: Int = 8192
    /// One header or trailer line without its CRLF. Exceeded -> 431.
    public var maxHeaderLineBytes: Int = 8192
    /// Header fields in one request (trailer fields counted separately). A browser sends about 20;
    /// the ws CVE-2024-37890 crash came from many headers. Exceeded -> 431.
    public var maxHeaderCount: Int = 64
    /// The whole head: request line, header lines, CRLFs and empty lines before the request line.
    /// Also bounds a chunked body's trailer section. Exceeded -> 431.
    public var maxHeadBytes: Int = 16384
    /// Decoded body, Content-Length or the sum of chunk sizes. 1 MiB as nginx's
    /// `client_max_body_size`; the admin API sends small JSON. Exceeded -> 413, refused as soon as
    /// the length is known, before any of the body is read.
    public var maxBodyBytes: Int = 1 << 20
    /// One chunk-size line with its extensions, without CRLF. Extensions carry nothing we use, and
    /// a small bound keeps the wire overhead per body byte low. Exceeded -> 400.
    public var maxChunkLineBytes: Int = 1024

    public init(
        maxRequestLineBytes: Int = 8192, maxHeaderLineBytes: Int = 8192, maxHeaderCount: Int = 64,
        maxHeadBytes: Int = 16384, maxBodyBytes: Int = 1 << 20, maxChunkLineBytes: Int = 1024
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderLineBytes = maxHeaderLineBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
