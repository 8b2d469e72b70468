import BenchClient
import EventLoop

/// The network blip (`--blip`): once everyone is placed, every attendee's connection drops at once and
/// all reconnect as fast as the tool can (at most --concurrency in progress), each offering its resume
/// token and, over wss, the TLS session whose ticket its last connection received. Every attendee
/// must be welcomed back into the breakout it had.
struct BlipState {
    var startedAt = ContinuousClock.now
    var cpuStart: Int64?
    var cpu: Int64?
    var seconds = 0.0
    var queue: [Int] = []
    var next = 0
    var inProgress = 0
    var expected = 0
    var welcomed = 0
    var backInBreakout = 0
    var tlsResumed = 0
    var failed = 0
    var latency = Latencies()

    func report(into r: inout JSONLine) {
        r.add("blip_reconnects", expected)
        r.add("blip_welcomed", welcomed)
        r.add("blip_back_in_breakout", backInBreakout)
        r.add("blip_tls_resumed", tlsResumed)
        r.add("blip_failed", failed)
        r.add("blip_seconds", seconds)
        r.add("blip_us", latency.summary([50, 99]))
        if let cpu, welcomed > 0 {
            let perResume = Double(cpu) / Double(welcomed)
            r.add("blip_server_cpu_us_per_resume", perResume)
            r.add("blip_capacity_per_core_s", perResume > 0 ? 1e6 / perResume : 0)
        }
    }
}

extension AttendeesScenario {
    func startBlip() {
        guard stage == .pairing else { return }
        stage = .blip
        blipState.startedAt = .now
        blipState.cpuStart = target.proc?.cpuMicroseconds()
        for a in attendees where a.token != nil && a.breakoutAt != nil {
            guard let old = a.client else { continue }
            if a.resumption == nil, let kept = old.tlsResumption() { a.resumption = kept }
            a.resuming = true
            a.client = nil
            old.abort()
            blipState.queue.append(a.tag)
        }
        blipState.expected = blipState.queue.count
        Runner.progress("attendees: blip, \(blipState.expected) reconnecting")
        loop.schedule(at: .now + target.timeout) { [weak self] in
            guard let self, self.stage == .blip else { return }
            self.note("blip_timeout", "only \(self.blipState.welcomed) of \(self.blipState.expected) back in time")
            self.endBlip(now: .now)
        }
        fillBlip()
    }

    func fillBlip() {
        while stage == .blip && blipState.inProgress < s.concurrency && blipState.next < blipState.queue.count {
            let a = attendees[blipState.queue[blipState.next]]
            blipState.next += 1
            blipState.inProgress += 1
            connect(a)
        }
    }

    func blipArrived(now: ContinuousClock.Instant) {
        if blipState.welcomed + blipState.failed >= blipState.expected {
            endBlip(now: now)
        } else {
            fillBlip()
        }
    }

    func endBlip(now: ContinuousClock.Instant) {
        guard stage == .blip else { return }
        blipState.seconds = (now - blipState.startedAt).secondsDouble
        if let start = blipState.cpuStart, let end = target.proc?.cpuMicroseconds() { blipState.cpu = end - start }
        Runner.progress("attendees: blip over, \(blipState.welcomed) of \(blipState.expected) back (\(blipState.backInBreakout) in their breakouts, \(blipState.tlsResumed) TLS resumed) in \(blipState.seconds) s")
        if blipState.backInBreakout < blipState.expected {
            note("blip_not_back", "\(blipState.expected - blipState.backInBreakout) not back in their breakouts")
        }
        loop.schedule(at: now + .seconds(1)) { [weak self] in self?.startChatting() }
    }
}
