#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// One epoll loop on one thread: it owns its sockets, their write queues and their timers,
/// and is the only code in Mingle that makes socket syscalls.
///
/// A pass: wait for events (until the nearest timer), dispatch reads/writes/accepts and
/// inbox jobs (a read's reply is sent as soon as its handler returns), run expired timers,
/// then flush every other connection that was written to.
public final class EventLoop {
    public let index: Int
    public let limits: ConnectionLimits
    /// Builds the handler for each accepted connection. Set it in the group's setup closure.
    public var makeHandler: ((Connection) -> any ConnectionHandler)?
    /// Bytes written (best effort) to a connection refused because the loop is full.
    public var overloadReply: [UInt8] = []
    /// Accepted connections above this many on this loop are refused at once.
    public var maxConnections: Int

    let poller: any Poller
    let inbox: Inbox
    var listeners: [(fd: Int32, tag: String, port: UInt16, events: UInt32, paused: Bool)] = []
    // Loop-thread state touched on every event; unchecked for the reason given in Connection.swift.
    @exclusivity(unchecked) var connections: [UInt64: Connection] = [:]
    @exclusivity(unchecked) var pendingFlush: [Connection] = []
    @exclusivity(unchecked) var timers = TimerHeap()
    var tasks: [UInt64: () -> Void] = [:]
    var nextID: UInt64 = 1
    @exclusivity(unchecked) var running = true
    /// Loop passes so far (an idle loop makes none; tests check it does not spin).
    @exclusivity(unchecked) public internal(set) var passes: UInt64 = 0
    var stopWhenIdleDeadline: ContinuousClock.Instant?
    let readBuffer: UnsafeMutableRawBufferPointer

    /// See `passTurn`.
    var lastTurnPassed: ContinuousClock.Instant = .now - .seconds(1)
    static let turnInterval: Duration = .milliseconds(10)

    static let inboxToken: UInt64 = .max
    static let listenerTokenBase: UInt64 = 1 << 62

    enum TimerKind: UInt8 { case deadline = 0, stall = 1, linger = 2, task = 3 }

    init(index: Int, inbox: Inbox, limits: ConnectionLimits, maxConnections: Int, readBufferBytes: Int = 64 * 1024,
         poller: (any Poller)? = nil) throws(SystemError) {
        self.index = index
        self.inbox = inbox
        self.limits = limits
        self.maxConnections = maxConnections
        if let poller { self.poller = poller } else { self.poller = try Epoll() }
        self.readBuffer = .allocate(byteCount: readBufferBytes, alignment: 16)
        try self.poller.add(inbox.eventFD, token: Self.inboxToken, events: Epoll.input)
    }

    deinit {
        for c in connections.values where c.fd >= 0 { Glibc.close(c.fd) }
        for l in listeners { Glibc.close(l.fd) }
        readBuffer.deallocate()
    }

    /// Number of open connections on this loop.
    public var connectionCount: Int { connections.count }

    /// Visits every open connection (e.g. to send 1001 at shutdown).
    public func forEachConnection(_ body: (Connection) -> Void) {
        for c in Array(connections.values) { body(c) }
    }

    public func connection(_ id: ConnectionID) -> Connection? { connections[id.rawValue & ((1 << 56) - 1)] }

    // MARK: Listeners

    /// `shared`: other loops watch the same socket (an inherited one), so one connection wakes
    /// one waiting loop (`EPOLLEXCLUSIVE`) instead of every loop racing for it.
    func adoptListener(fd: Int32, tag: String, port: UInt16, shared: Bool = false) throws(SystemError) {
        let i = listeners.count
        let events = shared ? Epoll.input | Epoll.exclusive : Epoll.input
        listeners.append((fd, tag, port, events, false))
        try poller.add(fd, token: Self.listenerTokenBase + UInt64(i), events: events)
    }

    /// Closes the listening sockets; established connections are untouched.
    public func stopAccepting() {
        for l in listeners {
            if !l.paused { poller.remove(l.fd) }
            Glibc.close(l.fd)
        }
        listeners.removeAll()
    }

    func acceptConnections(listener i: Int, now: ContinuousClock.Instant) {
        guard i < listeners.count, !listeners[i].paused else { return }
        let l = listeners[i]
        var accepted = 0
        defer { if accepted > 0 && l.events & Epoll.exclusive != 0 { passTurn(i, now: now) } }
        for _ in 0..<128 {
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    mingle_accept_nonblocking(l.fd, $0, &len)
                }
            }
            if fd < 0 {
                let e = errno
                if e == EINTR || e == ECONNABORTED { continue }
                if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM {
                    // Out of descriptors: stop watching the listener for a moment so the loop
                    // does not spin on a readable listener it cannot accept from.
                    pauseListener(i, until: now + .milliseconds(100))
                }
                return
            }
            if connections.count >= maxConnections {
                if !overloadReply.isEmpty {
                    _ = overloadReply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                Glibc.close(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let remote = SocketAddress(storage: storage)
            register(fd: fd, remote: remote, localPort: l.port, tag: l.tag, now: now, connecting: false, handler: nil)
            accepted += 1
        }
    }

    /// A socket shared with other loops wakes the first idle loop in its wait queue, so connections
    /// arriving one at a time would all land on the same loop (measured on two loops, 40 connections
    /// 15 ms apart: 40/0 every time). Registering again puts this loop at the end of the queue, so idle
    /// loops take turns (21/19 every time); a loop that is not waiting is skipped, as it should be.
    /// At most once per `turnInterval`: in a storm every loop is busy anyway, and two epoll_ctl calls
    /// per accepted batch showed in a connect-upgrade-close benchmark at 11,000/s; with the interval
    /// the shared socket costs what per-loop sockets cost there (79.5 and 79.3 µs of CPU each).
    private func passTurn(_ i: Int, now: ContinuousClock.Instant) {
        guard i < listeners.count, !listeners[i].paused, now - lastTurnPassed >= Self.turnInterval else { return }
        lastTurnPassed = now
        poller.remove(listeners[i].fd)
        do {
            try poller.add(listeners[i].fd, token: Self.listenerTokenBase + UInt64(i), events: listeners[i].events)
        } catch {
            listeners[i].paused = true
            _ = schedule(at: .now + .milliseconds(100)) { [unowned self] in self.resumeListener(i) }
        }
    }

    /// Unregisters and re-registers rather than changing the interest set: an `EPOLLEXCLUSIVE`
    /// registration cannot be modified (EINVAL).
    private func pauseListener(_ i: Int, until: ContinuousClock.Instant) {
        listeners[i].paused = true
        poller.remove(listeners[i].fd)
        _ = schedule(at: until) { [unowned self] in self.resumeListener(i) }
    }

    private func resumeListener(_ i: Int) {
        guard i < listeners.count, listeners[i].paused else { return }
        do {
            try poller.add(listeners[i].fd, token: Self.listenerTokenBase + UInt64(i), events: listeners[i].events)
            listeners[i].paused = false
        } catch {
            // Out of epoll watches (ENOMEM/ENOSPC): try again shortly rather than stop accepting for good.
            _ = schedule(at: .now + .milliseconds(100)) { [unowned self] in self.resumeListener(i) }
        }
    }

    @discardableResult
    func register(fd: Int32, remote: SocketAddress?, localPort: UInt16, tag: String, now: ContinuousClock.Instant,
                  connecting: Bool, handler: (any ConnectionHandler)?) -> Connection? {
        let raw = nextID
        nextID += 1
        let id = ConnectionID(rawValue: (UInt64(index) << 56) | raw)
        let c = Connection(id: id, fd: fd, remote: remote, localPort: localPort, listenerTag: tag, loop: self, now: now)
        c.connecting = connecting
        let mask = connecting ? Epoll.writable : Epoll.readable
        c.watchingWritable = connecting
        do { try poller.add(fd, token: raw, events: mask) } catch { Glibc.close(fd); return nil }
        connections[raw] = c
        guard let h = handler ?? makeHandler?(c) else {
            closeNow(c, error: nil)
            return nil
        }
        c.handler = h
        if !connecting { h.connectionOpened(c, now: now) }
        return c
    }

    // MARK: Outbound connections (load tool, tests)

    /// Starts a non-blocking connect; `connectionOpened` is called when it completes.
    public func connect(to address: SocketAddress, from source: SocketAddress? = nil,
                        handler: any ConnectionHandler) throws(SystemError) -> Connection {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw SystemError("socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let source {
            let rc = source.withSockAddr { bind(fd, $0, $1) }
            if rc != 0 { let e = errno; Glibc.close(fd); throw SystemError("bind(\(source))", errno: e) }
        }
        let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if rc != 0 && errno != EINPROGRESS {
            let e = errno
            Glibc.close(fd)
            throw SystemError("connect(\(address))", errno: e)
        }
        guard let c = register(fd: fd, remote: address, localPort: 0, tag: "outbound", now: .now,
                               connecting: true, handler: handler) else {
            throw SystemError("epoll_ctl(ADD)", errno: ENOMEM)
        }
        return c
    }

    // MARK: Tasks and timers

    /// Runs `body` on this loop at `deadline`. Returns an id for `cancel`.
    @discardableResult
    public func schedule(at deadline: ContinuousClock.Instant, _ body: @escaping () -> Void) -> UInt64 {
        let id = nextID
        nextID += 1
        tasks[id] = body
        timers.push(at: deadline, token: id, kind: TimerKind.task.rawValue)
        return id
    }

    public func cancel(_ taskID: UInt64) { tasks[taskID] = nil }

    func armDeadline(for c: Connection, at deadline: ContinuousClock.Instant) {
        timers.push(at: deadline, token: c.id.rawValue & ((1 << 56) - 1), kind: TimerKind.deadline.rawValue)
    }

    func runTimers(now: ContinuousClock.Instant) {
        let elapsed = TimerHeap.elapsed(now)
        while let top = timers.first, top.due <= elapsed {
            _ = timers.popFirst()
            switch TimerKind(rawValue: top.kind)! {
            case .task:
                if let body = tasks.removeValue(forKey: top.token) { body() }
            case .deadline:
                guard let c = connections[top.token], c.state != .closed, let armed = c.armedDeadline,
                      TimerHeap.due(armed) == top.due else { continue }
                c.armedDeadline = nil
                guard let deadline = c.deadline else { continue }
                if deadline > now {
                    // The deadline moved later since this entry was armed: re-arm once.
                    c.armedDeadline = deadline
                    armDeadline(for: c, at: deadline)
                    continue
                }
                c.deadline = nil
                c.handler?.connectionDeadlineReached(c, now: now)
            case .stall:
                guard let c = connections[top.token], c.state != .closed else { continue }
                c.stallCheckArmed = false
                guard c.queuedOutboundBytes > 0 else { continue }
                if now - c.lastWriteProgress >= limits.stalledWriteTimeout {
                    c.handler?.connectionWriteStalled(c, now: now)
                } else {
                    armStallCheck(c)
                }
            case .linger:
                guard let c = connections[top.token], c.state == .lingering else { continue }
                closeNow(c, error: nil)
            }
        }
    }

    func armStallCheck(_ c: Connection) {
        guard !c.stallCheckArmed else { return }
        c.stallCheckArmed = true
        timers.push(at: c.lastWriteProgress + limits.stalledWriteTimeout,
                    token: c.id.rawValue & ((1 << 56) - 1), kind: TimerKind.stall.rawValue)
    }
}
