#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// The one audited cross-thread hand-off: other threads append jobs under a mutex and
/// wake the loop through an eventfd; the loop drains all jobs in one pass.
final class Inbox: Sendable {
    typealias Job = @Sendable (EventLoop) -> Void

    let eventFD: Int32
    private let jobs = Locked<[Job]>([])

    init() throws(SystemError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        if fd < 0 { throw SystemError("eventfd", errno: errno) }
        eventFD = fd
    }

    deinit { close(eventFD) }

    func post(_ job: @escaping Job) {
        let wasEmpty = jobs.withLock { list in
            list.append(job)
            return list.count == 1
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
    }

    /// Called on the loop thread when the eventfd is readable.
    func drain() -> [Job] {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        return jobs.withLock { list in
            let taken = list
            list.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
