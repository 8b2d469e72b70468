import ByteText
// Chunked transfer coding (RFC 9112 §7.1):
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
// The decoded size is checked against `maxBodyBytes` as each chunk-size line arrives, before any of
// its data is read. Extensions are validated and ignored; trailer fields are validated and dropped
// (RFC 9112 §7.1.2 lets a recipient discard them), bounded by the head limits.
extension RequestParser {
    mutating func readChunkSizeLine() throws(RequestError) -> Bool {
        guard let line = try nextLine(
            maxContentBytes: limits.maxChunkLineBytes, tooLong: .chunkLineTooLong,
            bytesLeft: Int.max, overBudget: .chunkLineTooLong
        ) else { return false }
        let maxSize = limits.maxBodyBytes - bodyBytesReceived
        let parsed = buffer.withUnsafeBytes { raw in
            Self.parseChunkSizeLine(UnsafeRawBufferPointer(rebasing: raw[line.content]), maxSize: maxSize)
        }
        let size = try parsed.get()
        if size == 0 {
            state = .trailerLines
        } else {
            bodyBytesReceived += size
            state = .chunkData(remainingBytes: size)
        }
        return true
    }

    /// Each chunk's data ends with CRLF; anything else means the sizes lied.
    mutating func readChunkDataEnd() throws(RequestError) -> Bool {
        let available = bufferedByteCount
        if available >= 1 && buffer[readIndex] != ASCII.cr { throw RequestError(.missingChunkDataTerminator) }
        guard available >= 2 else { return false }
        guard buffer[readIndex + 1] == ASCII.lf else { throw RequestError(.missingChunkDataTerminator) }
        readIndex += 2
        state = .chunkSizeLine
        return true
    }

    mutating func readTrailerLine() throws(RequestError) -> Bool {
        guard let line = try nextLine(
            maxContentBytes: limits.maxHeaderLineBytes, tooLong: .trailerTooLarge,
            bytesLeft: limits.maxHeadBytes - trailerBytes, overBudget: .trailerTooLarge
        ) else { return false }
        trailerBytes += line.consumed
        if line.content.isEmpty {
            state = .endPending
            return true
        }
        if trailerCount == limits.maxHeaderCount { throw RequestError(.trailerTooLarge) }
        trailerCount += 1
        let valid = buffer.withUnsafeBytes { raw in
            if case .success = Self.parseFieldLine(UnsafeRawBufferPointer(rebasing: raw[line.content]), isFirst: false) {
                return true
            }
            return false
        }
        guard valid else { throw RequestError(.invalidTrailer) }
        return true
    }

    /// Returns the chunk size, refusing it as `.bodyTooLarge` once it passes `maxSize`.
    static func parseChunkSizeLine(_ line: UnsafeRawBufferPointer, maxSize: Int) -> Result<Int, RequestError> {
        var index = 0
        var size = 0
        var tooLarge = false
        while index < line.count, let digit = ASCII.hexValue(line[index]).map(Int.init) {
            // Saturate instead of overflowing; leading zeros are allowed and bounded by the line limit.
            if !tooLarge {
                let (shifted, overflowed) = size.multipliedReportingOverflow(by: 16)
                if overflowed || shifted + digit > maxSize { tooLarge = true } else { size = shifted + digit }
            }
            index += 1
        }
        guard index > 0 else { return .failure(RequestError(.invalidChunkSize)) }
        if index < line.count && !ASCII.isWhitespace(line[index]) && line[index] != ASCII.semicolon {
            return .failure(RequestError(.invalidChunkSize))
        }
        guard isValidChunkExtensions(UnsafeRawBufferPointer(rebasing: line[index...])) else {
            return .failure(RequestError(.invalidChunkExtension))
        }
        if tooLarge { return .failure(RequestError(.bodyTooLarge)) }
        return .success(size)
    }

    /// `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`, with
    /// `chunk-ext-val = token / quoted-string`. Whitespace is allowed only around ";" and "=".
    static func isValidChunkExtensions(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        func skipWhitespace() {
            while index < bytes.count && ASCII.isWhitespace(bytes[index]) { index += 1 }
        }
        func skipToken() -> Bool {
            let start = index
            while index < bytes.count && ASCII.isTokenChar(bytes[index]) { index += 1 }
            return index > start
        }
        while index < bytes.count {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == ASCII.semicolon else { return false }
            index += 1
            skipWhitespace()
            guard skipToken() else { return false }
            skipWhitespace()
            guard index < bytes.count else { return true }
            if bytes[index] == ASCII.semicolon { continue }
            guard bytes[index] == ASCII.equals else { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == ASCII.quote {
                guard skipQuotedString(bytes, &index) else { return false }
            } else if !skipToken() {
                return false
            }
        }
        return true
    }

    /// `quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE` (RFC 9110 §5.6.4).
    static func skipQuotedString(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Bool {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.quote {
                index += 1
                return true
            }
            if byte == ASCII.backslash {
                index += 1
                guard index < bytes.count, ASCII.isFieldValueChar(bytes[index]) else { return false }
            } else if !ASCII.isFieldValueChar(byte) {
                return false
            }
            index += 1
        }
        return false
    }
}
