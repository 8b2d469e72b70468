#if canImport(Glibc)
import Glibc
#endif

/// A file opened for reading at any offset (`pread`), for readers that must not hold a whole file
/// in memory: the connection log's recovery searches a log backwards from its end, then reads it
/// forwards a chunk at a time.
public final class ReadableFile {
    public let path: String
    /// The size when opened (what a reader looks at; a file still growing is not followed).
    public let sizeBytes: Int
    private let fd: Int32

    /// Opens `path`; nil when it does not exist.
    public init?(path: String) throws(FileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError("open", path: path, errno: errno)
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let failure = FileError("fstat", path: path, errno: errno)
            _ = close(fd)
            throw failure
        }
        self.path = path
        self.fd = fd
        self.sizeBytes = Int(st.st_size)
    }

    deinit { _ = close(fd) }

    /// Up to `count` bytes from `offset`: fewer only at the end of the file. Reads until the end
    /// rather than up to `sizeBytes`, so files whose size says nothing (/proc) read too.
    public func read(at offset: Int, count: Int) throws(FileError) -> [UInt8] {
        let wanted = max(0, count)
        var buffer = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, wanted - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("pread", path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        if done < wanted { buffer.removeLast(wanted - done) }
        return buffer
    }
}
