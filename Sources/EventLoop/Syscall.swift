#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSystemShims

/// An error from the operating system: the syscall that failed and its errno.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let call: String
    public let errno: Int32

    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    static func message(_ code: Int32) -> String {
        guard let p = strerror(code) else { return "unknown error" }
        let len = strlen(p)
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    public var description: String {
        "\(call): \(Self.message(errno)) (errno \(errno))"
    }
}

/// The outcome of a non-blocking I/O call: bytes processed, or "try again later".
/// `EAGAIN` is a result, not an error; `EINTR` is retried inside the wrapper.
public enum IOResult: Equatable, Sendable {
    case processed(Int)
    case wouldBlock
}

@usableFromInline
enum Sys {
    /// Runs `body` until it does not fail with EINTR; maps EAGAIN to `.wouldBlock`.
    @inline(__always)
    static func io(_ call: StaticString, _ body: () -> Int) throws(SystemError) -> IOResult {
        while true {
            let n = body()
            if n >= 0 { return .processed(n) }
            let e = Glibc.errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            throw SystemError("\(call)", errno: e)
        }
    }

    /// For calls where any negative result is an error (after EINTR retries).
    @inline(__always)
    static func check(_ call: StaticString, _ body: () -> Int32) throws(SystemError) -> Int32 {
        while true {
            let n = body()
            if n >= 0 { return n }
            let e = Glibc.errno
            if e == EINTR { continue }
            throw SystemError("\(call)", errno: e)
        }
    }

    static func setNonBlocking(_ fd: Int32) throws(SystemError) {
        let flags = try check("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        _ = try check("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SystemError) {
        var v = value
        _ = try check("setsockopt") { setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) }
    }
}
