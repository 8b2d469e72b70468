import ByteText
// Theory of operation
//
// `RequestParser` turns the bytes of one connection into requests, one event per `next()` call:
// `.head`, any number of `.body` pieces, `.end`, then the next request's `.head` (pipelining).
// It never waits: `next()` returns nil when the buffered bytes do not finish anything.
//
// States (`State`), each consuming one line or a run of body bytes:
//
//   requestLine --line--> headerLines --empty line--> [emit .head]
//        ^                                             |  no body       -> endPending
//        |                                             |  Content-Length -> fixedBody -> endPending
//        |                                             |  chunked        -> chunkSizeLine
//        |                                                  chunkSizeLine -> chunkData -> chunkDataEnd -> chunkSizeLine
//        |                                                  chunkSizeLine (size 0) -> trailerLines -> endPending
//        +------------------------------ endPending [emit .end]
//
// Any rejection moves to `failed` for good and is thrown again on every later call. A head whose
// connection switches protocols ends the parser's part with `takeUnparsedBytes()` (`handedOff`).
//
// Limits are enforced on the window of bytes a line may still occupy: a line is searched for its LF
// only within `min(line limit + CRLF, head bytes left)`. If the window fills without an LF the
// request is refused, whether the bytes came in one read or one at a time, so the same input always
// gives the same events and the same error, and no line is buffered past its bound.
public struct RequestParser: Sendable {
    public let limits: HTTPLimits

    /// Received bytes; everything before `readIndex` is consumed.
    var buffer: [UInt8] = []
    var readIndex = 0
    /// Bytes after `readIndex` already searched for LF, so a line arriving in pieces is scanned once.
    var scannedBytes = 0
    var state: State = .requestLine

    // The head being assembled.
    var headBytes = 0
    var method = ""
    var target = ""
    var versionMinor = 1
    var headers = HTTPHeaders()

    // Chunked body bookkeeping.
    var bodyBytesReceived = 0
    var trailerBytes = 0
    var trailerCount = 0

    enum State: Sendable {
        case requestLine
        case headerLines
        case fixedBody(remainingBytes: Int)
        case chunkSizeLine
        case chunkData(remainingBytes: Int)
        case chunkDataEnd
        case trailerLines
        case endPending
        case failed(RequestError)
        case handedOff
    }

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Bytes received and not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes. Call `next()` until it returns nil after each append; the buffer then
    /// holds at most one read beyond the current line's limit.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if case .handedOff = state { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(RequestError) -> RequestEvent? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// Hands every byte after the last event to whoever takes over the connection (a WebSocket after
    /// a 101 answer to the `.head`), including bytes that arrived in the same read as the head. Call
    /// it right after `.head` or after the `.end` that follows it, not after asking for more events:
    /// the parser would read the new protocol's bytes as the next request. If the request declared a
    /// body, its unread bytes are part of what is handed over. The parser produces nothing afterwards.
    public mutating func takeUnparsedBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer = []
        readIndex = 0
        scannedBytes = 0
        state = .handedOff
        return rest
    }

    mutating func compact() {
        if readIndex == buffer.count {
            // A connection that once carried a large body should not keep its buffer.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 8192)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    mutating func step() throws(RequestError) -> RequestEvent? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .handedOff:
                return nil
            case .requestLine:
                guard try readRequestLine() else { return nil }
            case .headerLines:
                guard let done = try readHeaderLine() else { return nil }
                if let head = done { return .head(head) }
            case .fixedBody(let remaining):
                guard let piece = takeBody(upTo: remaining) else { return nil }
                state = remaining == piece.count ? .endPending : .fixedBody(remainingBytes: remaining - piece.count)
                return .body(piece)
            case .chunkSizeLine:
                guard try readChunkSizeLine() else { return nil }
            case .chunkData(let remaining):
                guard let piece = takeBody(upTo: remaining) else { return nil }
                state = remaining == piece.count ? .chunkDataEnd : .chunkData(remainingBytes: remaining - piece.count)
                return .body(piece)
            case .chunkDataEnd:
                guard try readChunkDataEnd() else { return nil }
            case .trailerLines:
                guard try readTrailerLine() else { return nil }
            case .endPending:
                resetForNextRequest()
                return .end
            }
        }
    }

    mutating func takeBody(upTo remaining: Int) -> [UInt8]? {
        let count = min(remaining, bufferedByteCount)
        guard count > 0 else { return nil }
        let piece = Array(buffer[readIndex..<(readIndex + count)])
        readIndex += count
        return piece
    }

    mutating func resetForNextRequest() {
        state = .requestLine
        headBytes = 0
        method = ""
        target = ""
        versionMinor = 1
        headers = HTTPHeaders()
        bodyBytesReceived = 0
        trailerBytes = 0
        trailerCount = 0
    }

    /// Finds the next CRLF-terminated line and consumes it. The line may hold `maxContentBytes`
    /// before its CRLF, and its CRLF included may use at most `bytesLeft` of a section's budget.
    /// Returns the content's range in `buffer` and the bytes consumed; nil when the window is not
    /// yet full; throws `tooLong` or `overBudget`, whichever bound the window, once the window is
    /// full without an LF.
    mutating func nextLine(
        maxContentBytes: Int, tooLong: RequestError.Kind, bytesLeft: Int, overBudget: RequestError.Kind
    ) throws(RequestError) -> (content: Range<Int>, consumed: Int)? {
        let lineWindow = maxContentBytes + 2
        let window = min(lineWindow, bytesLeft)
        let overflow = lineWindow <= bytesLeft ? tooLong : overBudget
        let available = bufferedByteCount
        let searchEnd = min(available, max(window, 0))
        let start = readIndex
        let found: Int? = buffer.withUnsafeBytes { raw in
            Self.firstLineFeed(in: raw, from: start + scannedBytes, to: start + searchEnd)
        }
        guard let lf = found else {
            if available >= window { throw RequestError(overflow) }
            scannedBytes = searchEnd
            return nil
        }
        // RFC 9112 §2.2: a recipient MAY accept a bare LF as a line terminator. Accepting it where
        // another hop would not is how one request is read as two, so a bare LF is refused.
        guard lf > start, buffer[lf - 1] == ASCII.cr else { throw RequestError(.bareLineFeed) }
        readIndex = lf + 1
        scannedBytes = 0
        return (start..<(lf - 1), lf + 1 - start)
    }

    /// Eight bytes at a time: `word ^ 0x0A..` has a zero byte where an LF is, and the classic
    /// has-zero-byte test flags the first one exactly (false flags only appear above a true one).
    static func firstLineFeed(in raw: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ lineFeeds
            let zeroBytes = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeroBytes != 0 { return index + zeroBytes.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            if raw[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }
}
