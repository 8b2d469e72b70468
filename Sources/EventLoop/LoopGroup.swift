#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// A Sendable reference to a loop for other threads: post a job to run on the loop, with the
/// loop's context typed as the group declared it (no cast, so no delivery can miss it).
public struct LoopHandle<Context>: Sendable {
    public let index: Int
    let inbox: Inbox
    let slot: LoopContextSlot<Context>

    /// Runs `job` on the loop's thread during its next pass.
    public func execute(_ job: @escaping @Sendable (EventLoop) -> Void) {
        inbox.post(job)
    }

    /// Runs `job` on the loop's thread with the context its group's `setup` made for it.
    public func execute(_ job: @escaping @Sendable (EventLoop, Context) -> Void) {
        let slot = self.slot
        inbox.post { loop in job(loop, slot.context) }
    }
}

/// Settings for a group of loops.
public struct LoopGroupConfiguration: Sendable {
    /// Number of loop threads; one per core by default.
    public var loops: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    public var listeners: [ListenerConfiguration] = []
    public var limits = ConnectionLimits()
    /// Connections refused above this many in the whole process (split evenly over loops).
    public var maxConnections: Int = 19_500

    public init() {}
}

/// Starts N loops on N threads, each with its own SO_REUSEPORT socket per listener (or its own
/// descriptor of an inherited one; see `ListenerConfiguration`), and one
/// `Context` per loop: what the application keeps on that loop's thread, made by `setup` and
/// handed to every job posted with `LoopHandle.execute { loop, context in ... }`.
public final class LoopGroup<Context>: Sendable {
    public let handles: [LoopHandle<Context>]
    /// The bound port of each listener, in configuration order (useful with port 0).
    public let boundPorts: [UInt16]
    private let threads: Locked<[pthread_t]>
    private let kernelTIDs = KernelThreadIDs()

    /// Kernel thread ids of the loops (for /proc/self/task/<tid>: CPU time, context switches).
    public var kernelThreadIDs: [Int32] { kernelTIDs.list.withLock { $0 } }

    private final class KernelThreadIDs: Sendable {
        let list = Locked<[Int32]>([])
    }

    /// Binds every listener (errors surface here, before any thread starts), then starts
    /// the loops. `setup` runs on each loop's thread before it serves anything and returns the
    /// loop's context (released on the loop's thread when the loop ends).
    public init(configuration: LoopGroupConfiguration,
                setup: @escaping @Sendable (EventLoop, LoopHandle<Context>) -> Context) throws(SystemError) {
        signal(SIGPIPE, SIG_IGN)
        let n = max(1, configuration.loops)
        var sockets: [[ListenerFD]] = Array(repeating: [], count: n)
        var ports: [UInt16] = []
        do {
            for var listener in configuration.listeners {
                if let inherited = listener.inherited {
                    ports.append(inherited.address.port)
                    for i in 0..<n {
                        let fd = try ListeningSocket.duplicate(inherited.descriptor)
                        sockets[i].append(ListenerFD(fd: fd, tag: listener.tag, port: inherited.address.port, shared: n > 1))
                    }
                    continue
                }
                for i in 0..<n {
                    let (fd, port) = try ListeningSocket.open(listener, first: i == 0)
                    if i == 0 {
                        ports.append(port)
                        listener.address = Self.withPort(listener.address, port)
                    }
                    sockets[i].append(ListenerFD(fd: fd, tag: listener.tag, port: port, shared: false))
                }
            }
        } catch {
            for list in sockets { for s in list { close(s.fd) } }
            throw error
        }
        boundPorts = ports
        var handles: [LoopHandle<Context>] = []
        for i in 0..<n {
            handles.append(LoopHandle(index: i, inbox: try Inbox(), slot: LoopContextSlot()))
        }
        self.handles = handles
        let perLoop = max(1, configuration.maxConnections / n)
        var tids: [pthread_t] = []
        for i in 0..<n {
            let handle = handles[i]
            let mine = sockets[i]
            let limits = configuration.limits
            let kernelTIDs = self.kernelTIDs
            let tid = LoopThread.spawn {
                mingle_set_thread_name("mingle-loop-\(i)")
                kernelTIDs.list.withLock { $0.append(mingle_gettid()) }
                let loop: EventLoop
                do {
                    loop = try EventLoop(index: i, inbox: handle.inbox, limits: limits, maxConnections: perLoop)
                    for l in mine { try loop.adoptListener(fd: l.fd, tag: l.tag, port: l.port, shared: l.shared) }
                } catch {
                    preconditionFailure("event loop \(i) could not start: \(error)")
                }
                handle.slot.value = setup(loop, handle)
                loop.run()
                handle.slot.value = nil
            }
            tids.append(tid)
        }
        threads = Locked(tids)
    }

    private struct ListenerFD: Sendable { let fd: Int32; let tag: String; let port: UInt16; let shared: Bool }

    private static func withPort(_ a: SocketAddress, _ port: UInt16) -> SocketAddress {
        switch a {
        case .v4(let h, _): return .v4(host: h, port: port)
        case .v6(let h, _): return .v6(host: h, port: port)
        }
    }

    /// Posts a job to every loop.
    public func executeOnAll(_ job: @escaping @Sendable (EventLoop) -> Void) {
        for h in handles { h.execute(job) }
    }

    /// Posts a job to every loop, with that loop's context.
    public func executeOnAll(_ job: @escaping @Sendable (EventLoop, Context) -> Void) {
        for h in handles { h.execute(job) }
    }

    /// Stops every loop at once (connections are closed without a goodbye).
    public func stopNow() {
        executeOnAll { $0.stop() }
    }

    /// Waits for every loop thread to end.
    public func join() {
        let tids = threads.withLock { t in
            let copy = t
            t.removeAll()
            return copy
        }
        for t in tids { pthread_join(t, nil) }
    }

}

extension LoopGroup where Context == Void {
    /// A group whose loops keep no context of their own.
    public convenience init(configuration: LoopGroupConfiguration,
                            setup: @escaping @Sendable (EventLoop) -> Void) throws(SystemError) {
        try self.init(configuration: configuration) { loop, _ in setup(loop) }
    }
}

/// Starts the pthread a loop runs on (outside the generic group: the Swift 6.3 region checker
/// crashes on this function inside a generic class).
enum LoopThread {
    private final class ThreadBody: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { arg in
            let b = Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue()
            b.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return tid
    }
}
