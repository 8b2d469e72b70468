#if canImport(Glibc)
import Glibc
#endif

/// The file-system calls the server makes besides appending (`AppendFile`): truncate, rename,
/// remove, look at a file, read a small one. Each failure is a `FileError` naming the syscall.
public enum Files {
    /// What `stat` says about a file.
    public struct Status: Sendable, Equatable {
        public let sizeBytes: Int
        /// Last modification, whole seconds since 1970 (UTC).
        public let modifiedSecondsSinceEpoch: Int64
    }

    /// The file's size and modification time, or nil when it does not exist.
    public static func status(_ path: String) throws(FileError) -> Status? {
        var st = stat()
        if stat(path, &st) != 0 {
            if errno == ENOENT { return nil }
            throw FileError("stat", path: path, errno: errno)
        }
        return Status(sizeBytes: Int(st.st_size), modifiedSecondsSinceEpoch: Int64(st.st_mtim.tv_sec))
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    /// Cuts (or extends with zeros) the file to `length` bytes.
    public static func truncate(_ path: String, toBytes length: Int) throws(FileError) {
        _ = try retryingEINTR("truncate", path) { Glibc.truncate(path, off_t(length)) }
    }

    /// Renames atomically (both names in the same file system).
    public static func rename(_ path: String, to target: String) throws(FileError) {
        if Glibc.rename(path, target) != 0 { throw FileError("rename", path: "\(path) -> \(target)", errno: errno) }
    }

    public static func remove(_ path: String) throws(FileError) {
        if unlink(path) != 0 { throw FileError("unlink", path: path, errno: errno) }
    }

    /// `mkdir -p`; directories it creates get `permissions`.
    public static func createDirectories(_ path: String, permissions: mode_t = 0o755) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, permissions) != 0 && errno != EEXIST { throw FileError("mkdir", path: prefix, errno: errno) }
            prefix += "/"
        }
    }

    /// Reads at most `maxBytes` from the start of a file (e.g. /proc/self/statm).
    public static func readPrefix(_ path: String, maxBytes: Int) throws(FileError) -> [UInt8] {
        guard let file = try ReadableFile(path: path) else { throw FileError("open", path: path, errno: ENOENT) }
        return try file.read(at: 0, count: maxBytes)
    }

    /// Replaces `path` with `bytes` so that a crash or power loss at any moment leaves either the old file or
    /// the new one whole: written to `path.tmp`, fsynced, renamed over `path`, and the directory fsynced so the
    /// rename itself is durable. The temporary file is removed when a step fails.
    public static func replaceAtomically(_ path: String, with bytes: [UInt8], permissions: mode_t = 0o600) throws(FileError) {
        let temporary = path + ".tmp"
        let fd = try retryingEINTR("open", temporary) { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions) }
        var failure: FileError?
        var offset = 0
        while failure == nil && offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = FileError("write", path: temporary, errno: errno)
            } else if n == 0 {
                failure = FileError("write", path: temporary, errno: EIO)
            } else {
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = FileError("fsync", path: temporary, errno: errno) }
        if Glibc.close(fd) != 0 && failure == nil { failure = FileError("close", path: temporary, errno: errno) }
        if failure == nil && Glibc.rename(temporary, path) != 0 {
            failure = FileError("rename", path: "\(temporary) -> \(path)", errno: errno)
        }
        if let failure {
            _ = unlink(temporary)
            throw failure
        }
        let directory = Self.directory(of: path)
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            defer { _ = Glibc.close(dirfd) }
            if fsync(dirfd) != 0 { throw FileError("fsync", path: directory, errno: errno) }
        }
    }

    /// The directory part of a path ("" for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Runs `body` until it does not fail with EINTR; any other failure names `call` and `path`.
    static func retryingEINTR(_ call: String, _ path: String, _ body: () -> Int32) throws(FileError) -> Int32 {
        while true {
            let result = body()
            if result >= 0 { return result }
            if errno != EINTR { throw FileError(call, path: path, errno: errno) }
        }
    }
}
