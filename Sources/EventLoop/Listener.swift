#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// Where and how to listen.
///
/// Bound by us, each loop gets its own socket on the same address (`SO_REUSEPORT`), so the kernel
/// spreads accepted connections over the loops' own accept queues. Only this process may join that
/// group: the first socket is bound *without* `SO_REUSEPORT`, which fails with `EADDRINUSE` while
/// any other socket holds the port (whatever its options), and sets it between `bind` and `listen`
/// so that the other loops can bind beside it. A second `mingle serve` fails at that first bind in
/// turn, however the two starts interleave: there is no moment at which the port is free.
///
/// Inherited (systemd socket activation, `SocketActivation`), there is one accept queue that
/// outlives the process: every loop watches it, through a descriptor of its own, with
/// `EPOLLEXCLUSIVE`, so a connection wakes one waiting loop rather than all of them.
public struct ListenerConfiguration: Sendable {
    public var address: SocketAddress
    /// Passed to connections so the handler knows e.g. whether to speak TLS.
    public var tag: String
    /// Pending-connection queue length (a reconnect storm after a restart needs >= 1024).
    public var backlog: Int32 = 1024
    /// A listening socket handed to this process; nothing is bound then, and `address` is the
    /// socket's own.
    public var inherited: InheritedSocket?

    public init(address: SocketAddress, tag: String) {
        self.address = address
        self.tag = tag
    }

    public init(inherited socket: InheritedSocket, tag: String) {
        self.address = socket.address
        self.tag = tag
        self.inherited = socket
    }
}

enum ListeningSocket {
    /// Creates, binds and listens; returns the descriptor and the bound port (useful for port 0).
    /// `first`: the socket that proves the port is ours (see `ListenerConfiguration`); the others
    /// join its `SO_REUSEPORT` group.
    static func open(_ config: ListenerConfiguration, first: Bool) throws(SystemError) -> (fd: Int32, port: UInt16) {
        let fd = socket(config.address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw SystemError("socket", errno: errno) }
        func configure() throws(SystemError) -> UInt16 {
            // TIME_WAIT leftovers of an earlier run do not hold the port.
            try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if !first { try Sys.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
            if config.address.isIPv6 {
                // "::" means IPv6 only here; listen on 0.0.0.0 as well for IPv4.
                try Sys.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1)
            }
            let rc = config.address.withSockAddr { bind(fd, $0, $1) }
            if rc != 0 { throw SystemError("bind(\(config.address))", errno: errno) }
            // Bound alone, so the port was free; from now on our own loops may share it.
            if first { try Sys.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
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
        try boundAddress(fd).port
    }

    static func boundAddress(_ fd: Int32) throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        if rc != 0 { throw SystemError("getsockname", errno: errno) }
        guard let address = SocketAddress(storage: storage) else { throw SystemError("getsockname", errno: EAFNOSUPPORT) }
        return address
    }

    /// A descriptor of the loop's own for an inherited socket (its loop closes it when it stops
    /// accepting; the socket itself lives on in the service manager).
    static func duplicate(_ fd: Int32) throws(SystemError) -> Int32 {
        try Sys.check("fcntl(F_DUPFD_CLOEXEC)") { fcntl(fd, F_DUPFD_CLOEXEC, Int32(3)) }
    }
}
