#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock(2)` on a file, held until `release()` or the process ends (the kernel drops
/// it with the last descriptor, so a crash or `kill -9` leaves nothing to clean up). The holder
/// writes its pid into the file, so whoever is refused can name it. The file itself stays: removing
/// it would let a third process lock a new file of the same name while a second still holds the old.
public final class FileLock: Sendable {
    public let path: String
    private let descriptor: Locked<Int32>

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Another open file description holds the lock: another process, or another server in
        /// this one. `pid` is what the holder wrote into the file, when it could be read.
        case held(path: String, pid: Int32?)
        case file(FileError)

        public var description: String {
            switch self {
            case .held(let path, let pid): "\(path) is locked by \(pid.map { "process \($0)" } ?? "another process")"
            case .file(let error): "\(error)"
            }
        }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Locked(descriptor)
    }

    deinit { release() }

    /// Takes the lock without waiting, creating the file (mode 0644) when needed.
    public static func acquire(_ path: String) throws(Failure) -> FileLock {
        let fd: Int32
        do {
            fd = try Files.retryingEINTR("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(0o644)) }
        } catch {
            throw .file(error)
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            close(fd)
            if e == EWOULDBLOCK { throw .held(path: path, pid: holder(path)) }
            throw .file(FileError("flock", path: path, errno: e))
        }
        let text = Array("\(getpid())\n".utf8)
        let written = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if written != text.count || ftruncate(fd, off_t(text.count)) != 0 {
            let failure = FileError(written != text.count ? "pwrite" : "ftruncate", path: path, errno: errno)
            close(fd)
            throw .file(failure)
        }
        return FileLock(path: path, descriptor: fd)
    }

    /// Drops the lock (a second call does nothing).
    public func release() {
        let fd = descriptor.withLock { fd -> Int32 in
            let taken = fd
            fd = -1
            return taken
        }
        if fd >= 0 { close(fd) }
    }

    /// The pid the holder wrote, if the file holds one.
    private static func holder(_ path: String) -> Int32? {
        guard let bytes = try? Files.readPrefix(path, maxBytes: 32) else { return nil }
        let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let pid = Int32(String(decoding: digits, as: UTF8.self)), pid > 0 else { return nil }
        return pid
    }
}
