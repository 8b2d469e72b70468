import Testing
@testable import MingleServer

@Suite struct TokenBucketTests {
    let t0 = ContinuousClock.now

    @Test func aFullBucketAllowsTheBurstThenNothing() {
        var bucket = TokenBucket(ratePerSecond: 20, burst: 40, now: t0)
        var granted = 0
        for _ in 0..<40 where bucket.take(now: t0) { granted += 1 }
        #expect(granted == 40)
        let granted1 = bucket.take(now: t0)
        #expect(!granted1)
    }

    @Test func tokensComeBackAtTheRateAndNeverPastTheBurst() {
        var bucket = TokenBucket(ratePerSecond: 20, burst: 40, now: t0)
        for _ in 0..<40 { _ = bucket.take(now: t0) }
        let granted2 = bucket.take(now: t0 + .milliseconds(49))
        #expect(!granted2, "under one token after 49 ms")
        let granted3 = bucket.take(now: t0 + .milliseconds(50))
        #expect(granted3, "one token every 50 ms")
        let granted4 = bucket.take(now: t0 + .milliseconds(50))
        #expect(!granted4)
        // A long silence refills to the burst, not beyond.
        let later = t0 + .seconds(3600)
        var granted = 0
        for _ in 0..<40 where bucket.take(now: later) { granted += 1 }
        #expect(granted == 40)
        let granted5 = bucket.take(now: later)
        #expect(!granted5)
    }

    @Test func aSteadySenderAtTheRateIsNeverRefused() {
        var bucket = TokenBucket(ratePerSecond: 20, burst: 40, now: t0)
        var refused = 0
        for i in 1...1_000 where !bucket.take(now: t0 + .milliseconds(50 * i)) { refused += 1 }
        #expect(refused == 0)
    }

    @Test func aClockThatSeemsToGoBackAddsNothing() {
        var bucket = TokenBucket(ratePerSecond: 1, burst: 1, now: t0 + .seconds(10))
        let granted6 = bucket.take(now: t0 + .seconds(10))
        #expect(granted6)
        let granted7 = bucket.take(now: t0)
        #expect(!granted7, "earlier than the last take")
        let granted8 = bucket.take(now: t0 + .milliseconds(10_500))
        #expect(!granted8)
        let granted9 = bucket.take(now: t0 + .seconds(11))
        #expect(granted9)
    }
}
