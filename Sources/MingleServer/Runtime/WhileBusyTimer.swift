import EventLoop

/// A periodic task that runs only while its loop has work: it stops itself when `isBusy` says
/// the loop is idle and is started again by `poke()` when work arrives. An idle server makes
/// no wake-ups at all.
final class WhileBusyTimer {
    let interval: Duration
    private unowned let loop: EventLoop
    private let isBusy: () -> Bool
    private let body: (_ planned: ContinuousClock.Instant) -> Void
    private(set) var running = false

    init(loop: EventLoop, interval: Duration, isBusy: @escaping () -> Bool,
         body: @escaping (_ planned: ContinuousClock.Instant) -> Void) {
        self.loop = loop
        self.interval = interval
        self.isBusy = isBusy
        self.body = body
    }

    /// Starts the timer unless it is running.
    func poke() {
        guard !running else { return }
        running = true
        scheduleNext()
    }

    private func scheduleNext() {
        let planned = ContinuousClock.now + interval
        _ = loop.schedule(at: planned) { [weak self] in
            guard let self else { return }
            self.body(planned)
            if self.isBusy() { self.scheduleNext() } else { self.running = false }
        }
    }
}
