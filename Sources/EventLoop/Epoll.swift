#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// What the loop needs from the kernel's readiness API: register each descriptor once, change
/// its interest set, wait. `Epoll` in production; tests script readiness with a fake (the seam
/// FlyingFox's SocketPool has), so timers and interest changes are tested without races.
protocol Poller: AnyObject {
    func add(_ target: Int32, token: UInt64, events mask: UInt32) throws(SystemError)
    func modify(_ target: Int32, token: UInt64, events mask: UInt32) throws(SystemError)
    func remove(_ target: Int32)
    /// Waits for events (`timeoutMilliseconds` -1 blocks until something happens) and hands each
    /// (token, event mask) to `body`.
    func wait(timeoutMilliseconds: Int32, _ body: (UInt64, UInt32) -> Void) throws(SystemError)
}

/// A thin owner of one epoll instance. Each descriptor is registered once;
/// only its interest set changes afterwards (EPOLLOUT is added while bytes are queued).
final class Epoll: Poller {
    let fd: Int32
    private let tokens: UnsafeMutablePointer<UInt64>
    private let masks: UnsafeMutablePointer<UInt32>
    let capacity: Int32 = 256

    init() throws(SystemError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        if fd < 0 { throw SystemError("epoll_create1", errno: errno) }
        self.fd = fd
        tokens = .allocate(capacity: Int(capacity))
        masks = .allocate(capacity: Int(capacity))
    }

    deinit {
        tokens.deallocate()
        masks.deallocate()
        close(fd)
    }

    static let readable = MINGLE_EPOLLIN | MINGLE_EPOLLRDHUP
    static let writable = MINGLE_EPOLLOUT
    static let input = MINGLE_EPOLLIN
    static let hangup = MINGLE_EPOLLIN | MINGLE_EPOLLRDHUP | MINGLE_EPOLLHUP | MINGLE_EPOLLERR
    /// One socket in several loops' epolls: wake one waiting loop per event, not all (ADD only).
    static let exclusive = MINGLE_EPOLLEXCLUSIVE

    func add(_ target: Int32, token: UInt64, events mask: UInt32) throws(SystemError) {
        if mingle_epoll_ctl(fd, EPOLL_CTL_ADD, target, mask, token) != 0 {
            throw SystemError("epoll_ctl(ADD)", errno: errno)
        }
    }

    func modify(_ target: Int32, token: UInt64, events mask: UInt32) throws(SystemError) {
        if mingle_epoll_ctl(fd, EPOLL_CTL_MOD, target, mask, token) != 0 {
            throw SystemError("epoll_ctl(MOD)", errno: errno)
        }
    }

    func remove(_ target: Int32) {
        _ = mingle_epoll_ctl(fd, EPOLL_CTL_DEL, target, 0, 0)
    }

    /// Waits for events; `timeoutMilliseconds` -1 blocks until something happens.
    func wait(timeoutMilliseconds: Int32, _ body: (UInt64, UInt32) -> Void) throws(SystemError) {
        let n = mingle_epoll_wait(fd, tokens, masks, capacity, timeoutMilliseconds)
        if n < 0 {
            if errno == EINTR { return }
            throw SystemError("epoll_wait", errno: errno)
        }
        for i in 0..<Int(n) {
            body(tokens[i], masks[i])
        }
    }
}
