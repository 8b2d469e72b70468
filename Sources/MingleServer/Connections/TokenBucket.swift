/// A token bucket: `ratePerSecond` sustained, `burst` at once (an attendee socket's message rate
/// limit). Time is passed in, so it is tested with a manual clock; a clock that seems to go back
/// adds nothing.
struct TokenBucket {
    let ratePerSecond: Double
    let burst: Double
    var tokens: Double
    var last: ContinuousClock.Instant

    init(ratePerSecond: Double, burst: Double, now: ContinuousClock.Instant) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.tokens = burst
        self.last = now
    }

    mutating func take(now: ContinuousClock.Instant) -> Bool {
        let elapsed = max(.zero, now - last)
        last = max(last, now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * ratePerSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
