#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP client for tests, with a receive timeout so a test fails
/// instead of hanging when the server never answers.
public final class BlockingClient {
    public private(set) var fd: Int32
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String = "127.0.0.1", port: UInt16, timeoutSeconds: Int = 10) throws {
        let v6 = host.contains(":")
        fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc: Int32
        if v6 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &sin6.sin6_addr)
            rc = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &sin.sin_addr)
            rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard rc == 0 else {
            let e = errno
            Glibc.close(fd)
            throw Failure(description: "connect to \(host):\(port): errno \(e)")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func setReceiveBuffer(bytes: Int32) {
        var v = bytes
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    public func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            off += n
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads whatever arrives next (up to `max` bytes); empty means EOF.
    public func receiveSome(max: Int = 65536) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: max)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
        if n < 0 { throw Failure(description: "recv: errno \(errno) (timeout?)") }
        return Array(buf[0..<n])
    }

    /// Reads exactly `count` bytes (fails on EOF or timeout).
    public func receive(exactly count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            let chunk = try receiveSome(max: count - out.count)
            if chunk.isEmpty { throw Failure(description: "EOF after \(out.count) of \(count) bytes") }
            out += chunk
        }
        return out
    }

    /// Reads until the peer closes; returns everything read.
    public func receiveUntilClose(limit: Int = 1 << 24) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < limit {
            let chunk = try receiveSome()
            if chunk.isEmpty { return out }
            out += chunk
        }
        return out
    }

    /// Reads until `marker` appears (e.g. "\r\n\r\n"); returns all bytes read so far.
    public func receive(until marker: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            if out.count >= marker.count, Self.find(marker, in: out) != nil { return out }
            let chunk = try receiveSome()
            if chunk.isEmpty { throw Failure(description: "EOF before marker; got \(out.count) bytes") }
            out += chunk
        }
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    public func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Closes with a TCP reset instead of a FIN.
    public func reset() {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(fd)
        fd = -1
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
