import Testing
@testable import MingleServer

@Suite struct TokenBucketTests {
    let t0 = ContinuousClock.now

    /// Takes `attempts` tokens at `now`; returns how many were granted.
    private func take(_ attempts: Int, from bucket: inout TokenBucket, at now: ContinuousClock.Instant) -> Int {
        var granted = 0
        for _ in 0..<attempts where bucket.take(now: now) { granted += 1 }
        return granted
    }

    @Test func aFullBucketAllowsTheBurstThenNothing() {
        var bucket = TokenBucket(ratePerSecond: 20, burst: 40, now: t0)
        let granted = take(41, from: &bucket, at: t0)
        #expect(granted == 40)
    }

    @Test func tokensComeBackAtTheRateAndNeverPastTheBurst() {
        var bucket = TokenBucket(ratePerSecond: 20, burst: 40, now: t0)
        _ = take(40, from: &bucket, at: t0)
        let after49 = take(1, from: &bucket, at: t0 + .milliseconds(49))
        let after50 = take(2, from: &bucket, at: t0 + .milliseconds(50))
        #expect(after49 == 0, "under one token after 49 ms")
        #expect(after50 == 1, "one token every 50 ms")
        // A long silence refills to the burst, not beyond.
        let afterAnHour = take(41, from: &bucket, at: t0 + .seconds(3600))
        #expect(afterAnHour == 40)
    }

    @Test func aSteadySenderAtTheRateIsNeverRefused() {
        var bucket = TokenBucket(ratePerSecond: 20, burst: 40, now: t0)
        var refused = 0
        for i in 1...1_000 where !bucket.take(now: t0 + .milliseconds(50 * i)) { refused += 1 }
        #expect(refused == 0)
    }

    @Test func aClockThatSeemsToGoBackNeitherAddsNorTakesAway() {
        var bucket = TokenBucket(ratePerSecond: 1, burst: 2, now: t0 + .seconds(10))
        let earlier = take(3, from: &bucket, at: t0)
        let halfASecondLater = take(1, from: &bucket, at: t0 + .milliseconds(10_500))
        let aSecondLater = take(1, from: &bucket, at: t0 + .seconds(11))
        // The full bucket still grants its burst; time counts again from the latest instant seen.
        #expect([earlier, halfASecondLater, aSecondLater] == [2, 0, 1])
    }
}
