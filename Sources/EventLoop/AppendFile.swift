#if canImport(Glibc)
import Glibc
#endif

/// A file opened for appending (O_APPEND, so every write lands at the end even if another
/// process appends too): the journal's and the connection log's one way to the disk. Every
/// write is written whole (short writes continue, EINTR is retried) or throws a `FileError`
/// naming the syscall; so does `sync`. Owned by one thread.
public final class AppendFile {
    public let path: String
    private var fd: Int32

    /// Opens `path` for appending, creating it with `permissions` (and its directory) if missing.
    public init(path: String, permissions: mode_t) throws(FileError) {
        self.path = path
        let directory = Files.directory(of: path)
        if !directory.isEmpty && directory != "." { try Files.createDirectories(directory) }
        fd = try Files.retryingEINTR("open", path) { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, permissions) }
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    public var isOpen: Bool { fd >= 0 }

    /// Appends all of `bytes`. On an error, the bytes before it may be in the file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        guard fd >= 0 else { throw FileError("write", path: path, errno: EBADF) }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("write", path: path, errno: errno)
            }
            // write(2) returns 0 only for a zero-length request; guard against a loop anyway.
            if n == 0 { throw FileError("write", path: path, errno: EIO) }
            offset += n
        }
    }

    public func write(_ bytes: [UInt8]) throws(FileError) {
        let written = bytes.withUnsafeBytes { buffer in Result { () throws(FileError) in try write(buffer) } }
        try written.get()
    }

    /// Makes what was written durable (fsync).
    public func sync() throws(FileError) {
        guard fd >= 0 else { throw FileError("fsync", path: path, errno: EBADF) }
        _ = try Files.retryingEINTR("fsync", path) { fsync(fd) }
    }

    /// The file's current size in bytes.
    public func size() throws(FileError) -> Int {
        var st = stat()
        _ = try Files.retryingEINTR("fstat", path) { fstat(fd, &st) }
        return Int(st.st_size)
    }

    /// Closes the descriptor (once). A deferred write error (NFS, some disks) surfaces here.
    public func close() throws(FileError) {
        guard fd >= 0 else { return }
        let descriptor = fd
        fd = -1
        // Not retried on EINTR: on Linux the descriptor is released whatever close returns.
        if Glibc.close(descriptor) != 0 { throw FileError("close", path: path, errno: errno) }
    }
}
