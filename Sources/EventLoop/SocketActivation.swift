#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// A listening socket this process was handed at start (systemd socket activation). Only
/// `SocketActivation` makes one, after checking the descriptor; the descriptor stays open for the
/// life of the process, as the service manager's own copy does, and every loop that listens on it
/// takes a duplicate of its own.
public struct InheritedSocket: Sendable, Equatable {
    let descriptor: Int32
    /// The address the socket is bound to.
    public let address: SocketAddress

    /// "fd 3", for messages.
    public var name: String { "fd \(descriptor)" }
}

/// systemd socket activation with `sd_listen_fds(3)`'s rules: when `LISTEN_PID` is this process's
/// pid, `LISTEN_FDS` descriptors from 3 on are sockets the service manager bound and keeps open
/// across restarts. Connections that arrive while no process serves wait in the socket's backlog
/// instead of being refused, so `systemctl restart` refuses nobody. A `LISTEN_PID` naming another
/// process (the variables leaked from a parent) means "none for us". The variables are removed
/// either way, as `sd_listen_fds(1)` does, so nothing this process starts takes them for its own.
public enum SocketActivation {
    /// `SD_LISTEN_FDS_START`.
    public static let firstDescriptor: Int32 = 3
    /// Most descriptors accepted: a server listens on a handful of addresses; a larger count is a
    /// misconfiguration, refused at start rather than walked through.
    public static let maxDescriptors = 16

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidVariable(name: String, value: String)
        case tooManyDescriptors(count: Int, max: Int)
        case notAListeningStreamSocket(descriptor: Int32, reason: String)

        public var description: String {
            switch self {
            case .invalidVariable(let name, let value):
                "socket activation: \(name) must be a non-negative number, got \"\(value.prefix(40))\""
            case .tooManyDescriptors(let count, let max):
                "socket activation: LISTEN_FDS is \(count), at most \(max) sockets are accepted"
            case .notAListeningStreamSocket(let fd, let reason):
                "socket activation: fd \(fd) is not a listening TCP socket (\(reason)); the .socket unit needs ListenStream="
            }
        }
    }

    /// How many descriptors are meant for the process with `ownPID`, from the variables' values (pure).
    public static func descriptorCount(listenPID: String?, listenFDs: String?, ownPID: Int32) -> Result<Int, Failure> {
        guard let listenPID else { return .success(0) }
        guard let pid = Int32(listenPID), pid > 0 else { return .failure(.invalidVariable(name: "LISTEN_PID", value: listenPID)) }
        guard pid == ownPID, let listenFDs else { return .success(0) }
        guard let count = Int(listenFDs), count >= 0 else { return .failure(.invalidVariable(name: "LISTEN_FDS", value: listenFDs)) }
        guard count <= maxDescriptors else { return .failure(.tooManyDescriptors(count: count, max: maxDescriptors)) }
        return .success(count)
    }

    /// The listening sockets passed to this process (none when it was not socket-activated), each
    /// checked, made close-on-exec and non-blocking; the variables are unset.
    public static func takeListeningSockets() throws(Failure) -> [InheritedSocket] {
        let count = descriptorCount(listenPID: variable("LISTEN_PID"), listenFDs: variable("LISTEN_FDS"), ownPID: getpid())
        for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) }
        switch count {
        case .failure(let failure): throw failure
        case .success(let n): return try adopt(firstDescriptor..<(firstDescriptor + Int32(n)))
        }
    }

    /// Checks and prepares `descriptors` (separate from the variables so tests can pass any).
    static func adopt(_ descriptors: Range<Int32>) throws(Failure) -> [InheritedSocket] {
        var sockets: [InheritedSocket] = []
        for fd in descriptors {
            func refuse(_ reason: String) -> Failure { .notAListeningStreamSocket(descriptor: fd, reason: reason) }
            func option(_ name: Int32) throws(Failure) -> Int32 {
                var value: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 else {
                    throw refuse("\(SystemError("getsockopt", errno: errno))")
                }
                return value
            }
            guard try option(SO_TYPE) == Int32(SOCK_STREAM.rawValue) else { throw refuse("not SOCK_STREAM") }
            guard try option(SO_ACCEPTCONN) == 1 else { throw refuse("not listening") }
            let address: SocketAddress
            do {
                address = try ListeningSocket.boundAddress(fd)
                _ = try Sys.check("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, FD_CLOEXEC) }
                // The accept loop relies on EAGAIN; systemd passes sockets blocking unless NonBlocking=yes.
                try Sys.setNonBlocking(fd)
            } catch {
                throw refuse("\(error)")
            }
            sockets.append(InheritedSocket(descriptor: fd, address: address))
        }
        return sockets
    }

    private static func variable(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
