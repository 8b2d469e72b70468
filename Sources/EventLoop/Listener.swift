#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// Where and how to listen. Each loop gets its own socket on the same address
/// (`SO_REUSEPORT`), so the kernel spreads accepted connections over the loops.
public struct ListenerConfiguration: Sendable {
    public var address: SocketAddress
    /// Passed to connections so the handler knows e.g. whether to speak TLS.
    public var tag: String
    /// Pending-connection queue length (a reconnect storm after a restart needs >= 1024).
    public var backlog: Int32 = 1024

    public init(address: SocketAddress, tag: String) {
        self.address = address
        self.tag = tag
    }
}

enum ListeningSocket {
    /// Creates, binds and listens; returns the descriptor and the bound port (useful for port 0).
    static func open(_ config: ListenerConfiguration) throws(SystemError) -> (fd: Int32, port: UInt16) {
        let fd = socket(config.address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw SystemError("socket", errno: errno) }
        func configure() throws(SystemError) -> UInt16 {
            try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            try Sys.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1)
            if config.address.isIPv6 {
                // "::" means IPv6 only here; listen on 0.0.0.0 as well for IPv4.
                try Sys.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1)
            }
            let rc = config.address.withSockAddr { bind(fd, $0, $1) }
            if rc != 0 { throw SystemError("bind(\(config.address))", errno: errno) }
            if listen(fd, config.backlog) != 0 { throw SystemError("listen", errno: errno) }
            return try boundPort(fd)
        }
        do {
            return (fd, try configure())
        } catch {
            close(fd)
            throw error
        }
    }

    static func boundPort(_ fd: Int32) throws(SystemError) -> UInt16 {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        if rc != 0 { throw SystemError("getsockname", errno: errno) }
        return SocketAddress(storage: storage)?.port ?? 0
    }
}
