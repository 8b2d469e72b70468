#if canImport(Glibc)
import Glibc
#endif
import CSystemShims
import EventLoop
import Mingling

/// Reading back what the previous server wrote, at start, before this one writes anything (the state
/// directory's lock says no other server writes here). `ConnectionLogRecovery` decides; this reads
/// the files and appends its lines.
///
/// A log holds a day of connections (up to `maxFileBytes`, 64 MiB by default, before it rotates), and
/// the stopped server's run usually began with the day. Nothing here holds a whole file: the previous
/// server's `started` line is searched for backwards from the end, a chunk at a time, and the lines
/// from there on stream through `ConnectionLogRecovery.Replay`. (Reading the whole file and splitting
/// it into Strings took 6 s and 165 MB for a 60 MB log.)
extension ConnectionLogFile {
    static let recoveryChunkBytes = 1 << 20

    /// Closes the connections the previous server left open (`ConnectionLogRecovery`) and returns how
    /// many. Reads the active file, then rotated ones newest first, back to the previous server's
    /// `started` line; a log whose newest line is `stopped` (a clean stop) costs one look at its end.
    func closeConnectionsLeftOpen(now: Timestamp) throws(FileError) -> Int {
        let paths = [path] + rotatedFiles().reversed().map { directory + "/" + $0.name }
        // Newest first. A rotated file listed a moment ago may be gone since (retention): it and
        // the older ones tell nothing more.
        var files: [ReadableFile] = []
        for (index, file) in paths.enumerated() {
            if let opened = try ReadableFile(path: file) { files.append(opened) } else if index > 0 { break }
        }
        if let active = files.first, active.path == path, active.sizeBytes > 0, try active.read(at: active.sizeBytes - 1, count: 1) != [10] {
            // A power loss tore the last line: end it, so the lines below do not run into it.
            appendRaw([10])
        }
        if try Self.newestLine(in: files)?.event == ConnectionLogEvent.Kind.stopped.rawValue { return 0 }

        // Where the previous server started: that file from that line, then the newer ones whole.
        var replay = ConnectionLogRecovery.Replay()
        let start = try Self.lastStart(in: files)
        for index in stride(from: start?.file ?? files.count - 1, through: 0, by: -1) {
            try Self.forEachLine(in: files[index], from: index == start?.file ? start?.offset ?? 0 : 0) { line in
                if let parsed = ConnectionLogRecovery.parse(line) { replay.take(parsed) }
            }
        }
        let closures = replay.finish()
        var privacy = AddressPrivacy(mode: .off)  // the lines carry no address
        for event in closures { try append(event.jsonLine(privacy: &privacy), now: now) }
        return closures.count
    }

    /// The newest line that parses, looking through the files newest first.
    static func newestLine(in files: [ReadableFile]) throws(FileError) -> ConnectionLogRecovery.Line? {
        for file in files {
            var found: ConnectionLogRecovery.Line?
            try forEachLineBackwards(in: file) { line in
                found = ConnectionLogRecovery.parse(line)
                return found == nil
            }
            if let found { return found }
        }
        return nil
    }

    /// The newest `started` line: which file (index in `files`) and the offset of its first byte.
    static func lastStart(in files: [ReadableFile], chunkBytes: Int = recoveryChunkBytes) throws(FileError) -> (file: Int, offset: Int)? {
        let marker = Array("\"event\":\"started\"".utf8)
        for (index, file) in files.enumerated() {
            // The marker never appears inside a value: there its quotes are escaped.
            let offset = try forEachLineBackwards(in: file, chunkBytes: chunkBytes) { !contains($0, marker) }
            if let offset { return (index, offset) }
        }
        return nil
    }

    /// Each complete line from `offset` (the start of a line) to the end, oldest first, without its
    /// newline; the bytes after the last newline (a torn line) too.
    static func forEachLine(in file: ReadableFile, from offset: Int, chunkBytes: Int = recoveryChunkBytes,
                            _ body: (UnsafeRawBufferPointer) -> Void) throws(FileError) {
        var position = offset
        var carry: [UInt8] = []
        while position < file.sizeBytes {
            let chunk = try file.read(at: position, count: min(chunkBytes, file.sizeBytes - position))
            if chunk.isEmpty { break }
            position += chunk.count
            chunk.withUnsafeBytes { bytes in
                var lineStart = 0
                while let newline = firstNewline(in: bytes, from: lineStart) {
                    if carry.isEmpty {
                        body(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<newline]))
                    } else {
                        carry += bytes[lineStart..<newline]
                        carry.withUnsafeBytes { body($0) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    lineStart = newline + 1
                }
                carry += bytes[lineStart...]
            }
        }
        if !carry.isEmpty { carry.withUnsafeBytes { body($0) } }
    }

    /// Each line newest first, while `body` returns true. Returns the offset of the line it stopped
    /// at, or nil when it went through the whole file.
    @discardableResult
    static func forEachLineBackwards(in file: ReadableFile, chunkBytes: Int = recoveryChunkBytes,
                                     _ body: (UnsafeRawBufferPointer) -> Bool) throws(FileError) -> Int? {
        var end = file.sizeBytes       // the file's bytes before `end` are not looked at yet
        var tail: [UInt8] = []         // the start of the line that `end` cuts (read, not yet complete)
        while end > 0 {
            let from = max(0, end - chunkBytes)
            var chunk = try file.read(at: from, count: end - from)
            chunk += tail
            var lineEnd = chunk.count
            let stoppedAt = chunk.withUnsafeBytes { bytes -> Int? in
                while lineEnd > 0 {
                    let lineStart = lastNewline(in: bytes, before: lineEnd).map { $0 + 1 } ?? 0
                    if lineStart == 0 && from > 0 { return nil }  // may go on in the chunk before
                    if lineEnd > lineStart, !body(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])) {
                        return from + lineStart
                    }
                    lineEnd = lineStart == 0 ? 0 : lineStart - 1
                }
                return nil
            }
            if let stoppedAt { return stoppedAt }
            tail = Array(chunk[0..<lineEnd])
            end = from
        }
        return nil
    }

    private static func firstNewline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let found = memchr(bytes.baseAddress! + start, 10, bytes.count - start) else { return nil }
        return bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
    }

    private static func lastNewline(in bytes: UnsafeRawBufferPointer, before end: Int) -> Int? {
        guard end > 0, let found = mingle_memrchr(bytes.baseAddress!, 10, end) else { return nil }
        return bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
    }

    private static func contains(_ line: UnsafeRawBufferPointer, _ pattern: [UInt8]) -> Bool {
        guard line.count >= pattern.count else { return false }
        return pattern.withUnsafeBytes { mingle_memmem(line.baseAddress!, line.count, $0.baseAddress!, $0.count) != nil }
    }
}
