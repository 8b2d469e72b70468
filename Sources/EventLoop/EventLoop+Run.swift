#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

extension EventLoop {
    /// Runs until `stop()` (or `stopWhenIdle`) ends it. An idle loop blocks in epoll_wait.
    func run() {
        while running { runPass() }
        for c in Array(connections.values) { closeNow(c, error: nil) }
        stopAccepting()
    }

    /// One pass: flush what jobs and timers wrote, wait until the nearest timer for events,
    /// dispatch them, run the timers that are due.
    func runPass() {
        passes &+= 1
        flushPending()
        let timeout = waitTimeout(now: .now)
        do {
            try poller.wait(timeoutMilliseconds: timeout) { token, events in
                self.dispatch(token: token, events: events)
            }
        } catch {
            // epoll_wait only fails on a programming error (EBADF/EINVAL).
            preconditionFailure("\(error)")
        }
        runTimersAndIdleCheck(now: .now)
    }

    /// Ends the loop after this pass, closing every connection at once.
    public func stop() { running = false }

    /// Ends the loop once no connection is left, or at `deadline` (closing the rest).
    public func stopWhenIdle(deadline: ContinuousClock.Instant) {
        stopWhenIdleDeadline = deadline
        _ = schedule(at: deadline) {}
        if connections.isEmpty { running = false }
    }

    private func runTimersAndIdleCheck(now: ContinuousClock.Instant) {
        runTimers(now: now)
        if let d = stopWhenIdleDeadline, connections.isEmpty || now >= d { running = false }
    }

    func waitTimeout(now: ContinuousClock.Instant) -> Int32 {
        guard let first = timers.first else { return -1 }
        let elapsed = TimerHeap.elapsed(now)
        if first.due <= elapsed { return 0 }
        return Int32(clamping: (first.due - elapsed) / 1_000_000 + 1)
    }

    private func dispatch(token: UInt64, events: UInt32) {
        if token == Self.inboxToken {
            for job in inbox.drain() { job(self) }
            return
        }
        if token >= Self.listenerTokenBase {
            acceptConnections(listener: Int(token - Self.listenerTokenBase), now: .now)
            return
        }
        guard let c = connections[token], c.state != .closed else { return }
        let now = ContinuousClock.now
        if c.connecting {
            finishConnect(c, now: now)
            return
        }
        if events & (Epoll.hangup) != 0 {
            readFrom(c, now: now)
        }
        if c.state != .closed && events & Epoll.writable != 0 {
            flush(c, now: now)
        }
    }

    private func finishConnect(_ c: Connection, now: ContinuousClock.Instant) {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len)
        if err != 0 {
            closeNow(c, error: SystemError("connect", errno: err))
            return
        }
        c.connecting = false
        c.watchingWritable = false
        try? poller.modify(c.fd, token: c.id.rawValue & ((1 << 56) - 1), events: Epoll.readable)
        c.handler?.connectionOpened(c, now: now)
    }

    private func readFrom(_ c: Connection, now: ContinuousClock.Instant) {
        let n = recv(c.fd, readBuffer.baseAddress, readBuffer.count, 0)
        if n > 0 {
            c.received(n)
            if c.state == .lingering { return }
            c.handler?.connection(c, received: UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]), now: now)
            // A reply to what was just read leaves now rather than after every other event of this
            // pass: the same one send per connection per pass, without the wait for the rest of
            // the batch. Writes from jobs and timers (fan-out) stay corked until the end of the pass.
            if c.state == .open || c.state == .closingAfterFlush, c.queuedOutboundBytes > 0 { flush(c, now: now) }
        } else if n == 0 {
            // EOF: stop watching for input (level-triggered epoll would report it forever).
            if c.state == .lingering {
                closeNow(c, error: nil)
                return
            }
            updateInterest(c, reading: false)
            c.handler?.connectionReadEnded(c, now: now)
        } else {
            let e = errno
            if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { return }
            closeNow(c, error: SystemError("recv", errno: e))
        }
    }

    func updateInterest(_ c: Connection, reading: Bool) {
        var mask: UInt32 = reading ? Epoll.readable : 0
        if c.watchingWritable { mask |= Epoll.writable }
        try? poller.modify(c.fd, token: c.id.rawValue & ((1 << 56) - 1), events: mask)
        c.readingEnabled = reading
    }

    func flushPending() {
        guard !pendingFlush.isEmpty else { return }
        let now = ContinuousClock.now
        let list = pendingFlush
        pendingFlush.removeAll(keepingCapacity: true)
        for c in list {
            c.pendingFlush = false
            if c.state != .closed { flush(c, now: now) }
        }
    }

    func flush(_ c: Connection, now: ContinuousClock.Instant) {
        while c.queuedOutboundBytes > 0 {
            let n = c.outbound.withUnsafeBytes { buf in
                send(c.fd, buf.baseAddress! + c.outboundStart, buf.count - c.outboundStart, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                c.outboundStart += n
                c.bytesSent &+= UInt64(n)
                c.lastWriteProgress = now
                continue
            }
            let e = errno
            if n < 0 && e == EINTR { continue }
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                if !c.watchingWritable {
                    c.watchingWritable = true
                    updateInterest(c, reading: c.readingEnabled)
                }
                armStallCheck(c)
                return
            }
            closeNow(c, error: SystemError("send", errno: e))
            return
        }
        // Everything written.
        if c.releaseStorageWhenEmpty {
            c.releaseStorageWhenEmpty = false
            c.outbound = []
        } else {
            c.outbound.removeAll(keepingCapacity: c.outbound.capacity <= Connection.retainedBufferCapacity)
        }
        c.outboundStart = 0
        if c.watchingWritable {
            c.watchingWritable = false
            updateInterest(c, reading: c.readingEnabled)
        }
        if c.state == .closingAfterFlush {
            beginLinger(c)
        } else if c.notifyDrained {
            c.notifyDrained = false
            c.handler?.connectionDrained(c, now: now)
        }
    }

    /// Half-closes our side and keeps reading (discarding) until the peer closes or the
    /// linger timeout passes, so our last bytes are not destroyed by a reset.
    func beginLinger(_ c: Connection) {
        guard c.state != .closed, c.state != .lingering else { return }
        c.state = .lingering
        shutdown(c.fd, Int32(SHUT_WR))
        if !c.readingEnabled {
            closeNow(c, error: nil)
            return
        }
        timers.push(at: ContinuousClock.now + limits.lingerTimeout,
                    token: c.id.rawValue & ((1 << 56) - 1), kind: TimerKind.linger.rawValue)
    }

    func closeNow(_ c: Connection, error: SystemError?) {
        guard c.state != .closed else { return }
        c.state = .closed
        poller.remove(c.fd)
        Glibc.close(c.fd)
        c.fd = -1
        connections[c.id.rawValue & ((1 << 56) - 1)] = nil
        c.outbound = []
        let h = c.handler
        c.handler = nil
        h?.connectionClosed(c, error: error)
    }
}
