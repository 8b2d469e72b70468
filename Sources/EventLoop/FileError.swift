#if canImport(Glibc)
import Glibc
#endif

/// A file operation the operating system refused: the syscall, the file and errno. The journal
/// and the connection log get it back from every write and fsync; what they do with it (refuse
/// the command, report not-ready, drop a log batch) is theirs to decide, never silence.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The syscall that failed: "open", "write", "fsync", "ftruncate", "rename", ...
    public let call: String
    public let path: String
    public let errno: Int32

    public init(_ call: String, path: String, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "\(call) \(path): \(SystemError.message(errno)) (errno \(errno))"
    }
}
