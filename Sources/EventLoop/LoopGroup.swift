#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// A Sendable reference to a loop for other threads: post a job to run on the loop.
public struct LoopHandle: Sendable {
    public let index: Int
    let inbox: Inbox

    /// Runs `job` on the loop's thread during its next pass.
    public func execute(_ job: @escaping @Sendable (EventLoop) -> Void) {
        inbox.post(job)
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

/// Starts N loops on N threads, each with its own SO_REUSEPORT socket per listener.
public final class LoopGroup: Sendable {
    public let handles: [LoopHandle]
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
    /// the loops. `setup` runs on each loop's thread before it serves anything.
    public init(configuration: LoopGroupConfiguration,
                setup: @escaping @Sendable (EventLoop) -> Void) throws(SystemError) {
        signal(SIGPIPE, SIG_IGN)
        let n = max(1, configuration.loops)
        var sockets: [[(fd: Int32, tag: String, port: UInt16)]] = Array(repeating: [], count: n)
        var ports: [UInt16] = []
        do {
            for var listener in configuration.listeners {
                for i in 0..<n {
                    let (fd, port) = try ListeningSocket.open(listener)
                    if i == 0 {
                        ports.append(port)
                        listener.address = Self.withPort(listener.address, port)
                    }
                    sockets[i].append((fd, listener.tag, port))
                }
            }
        } catch {
            for list in sockets { for s in list { close(s.fd) } }
            throw error
        }
        boundPorts = ports
        var handles: [LoopHandle] = []
        var inboxes: [Inbox] = []
        for i in 0..<n {
            let inbox = try Inbox()
            inboxes.append(inbox)
            handles.append(LoopHandle(index: i, inbox: inbox))
        }
        self.handles = handles
        let perLoop = max(1, configuration.maxConnections / n)
        var tids: [pthread_t] = []
        for i in 0..<n {
            let inbox = inboxes[i]
            let mine = sockets[i].map { ListenerFD(fd: $0.fd, tag: $0.tag, port: $0.port) }
            let limits = configuration.limits
            let kernelTIDs = self.kernelTIDs
            let tid = Self.spawn {
                mingle_set_thread_name("mingle-loop-\(i)")
                kernelTIDs.list.withLock { $0.append(mingle_gettid()) }
                let loop: EventLoop
                do {
                    loop = try EventLoop(index: i, inbox: inbox, limits: limits, maxConnections: perLoop)
                    for l in mine { try loop.adoptListener(fd: l.fd, tag: l.tag, port: l.port) }
                } catch {
                    preconditionFailure("event loop \(i) could not start: \(error)")
                }
                setup(loop)
                loop.run()
            }
            tids.append(tid)
        }
        threads = Locked(tids)
    }

    private struct ListenerFD: Sendable { let fd: Int32; let tag: String; let port: UInt16 }

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
