import Testing
import MingleTestSupport
@testable import EventLoop

@Suite struct TimerHeapTests {
    let t0 = ContinuousClock.now

    @Test func popsInDeadlineOrderWhateverThePushOrder() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<50 {
            var heap = TimerHeap()
            var offsets: [Int] = []
            for token in 0..<Int.random(in: 0...200, using: &random) {
                let offset = Int.random(in: 0...1000, using: &random)
                offsets.append(offset)
                heap.push(at: t0 + .milliseconds(offset), token: UInt64(token), kind: 0)
            }
            var popped: [Int] = []
            while let entry = heap.popFirst() { popped.append(Int((TimerHeap.instant(entry.due) - t0) / .milliseconds(1))) }
            #expect(popped == offsets.sorted())
            #expect(heap.isEmpty && heap.first == nil)
        }
    }

    @Test func interleavedPushesAndPopsKeepTheSmallestFirst() {
        var random = SplitMix64(seed: 11)
        var heap = TimerHeap()
        var model: [Int] = []
        for _ in 0..<2_000 {
            if model.isEmpty || Bool.random(using: &random) {
                let offset = Int.random(in: 0...500, using: &random)
                model.append(offset)
                heap.push(at: t0 + .milliseconds(offset), token: 0, kind: 0)
            } else {
                let smallest = model.min()!
                model.remove(at: model.firstIndex(of: smallest)!)
                #expect(heap.popFirst().map { TimerHeap.instant($0.due) } == t0 + .milliseconds(smallest))
            }
            #expect(heap.count == model.count)
            #expect(heap.first.map { TimerHeap.instant($0.due) } == model.min().map { t0 + .milliseconds($0) })
        }
    }

    /// Deadlines are whole nanoseconds in the heap: rounded up for an entry and down for the clock,
    /// so nothing fires before its instant, even a fraction of a nanosecond.
    @Test func anEntryIsNeverDueBeforeItsInstant() {
        let t0 = TimerHeap.origin
        let attosecond = Duration(secondsComponent: 0, attosecondsComponent: 1)
        let halfNanosecond = Duration(secondsComponent: 0, attosecondsComponent: 500_000_000)
        #expect(TimerHeap.due(t0) == 0 && TimerHeap.elapsed(t0) == 0)
        #expect(TimerHeap.due(t0 + attosecond) == 1 && TimerHeap.elapsed(t0 + attosecond) == 0)
        #expect(TimerHeap.elapsed(t0 + .nanoseconds(1)) == 1)
        #expect(TimerHeap.due(t0 - .nanoseconds(1) - halfNanosecond) == -1)
        #expect(TimerHeap.elapsed(t0 - .nanoseconds(1) - halfNanosecond) == -2)
        #expect(TimerHeap.due(t0 + .seconds(90_061) + .nanoseconds(7)) == 90_061_000_000_007)
        #expect(TimerHeap.instant(TimerHeap.due(t0 + .milliseconds(1_500))) == t0 + .milliseconds(1_500))
        // A deadline centuries away stays in range (and far in the future).
        #expect(TimerHeap.due(t0 + .seconds(Int64.max / 2)) > TimerHeap.due(t0 + .seconds(100 * 365 * 86_400)))
        #expect(TimerHeap.due(t0 - .seconds(Int64.max / 2)) < 0)
    }

    @Test func anEntryKeepsItsTokenAndKindInSixteenBytes() {
        #expect(MemoryLayout<TimerHeap.Entry>.stride == 16)
        var heap = TimerHeap()
        let t0 = TimerHeap.origin
        heap.push(at: t0 + .seconds(2), token: TimerHeap.Entry.tokenMask, kind: 255)
        heap.push(at: t0 + .seconds(1), token: 0, kind: 3)
        let first = heap.popFirst(), second = heap.popFirst()
        #expect(first?.token == 0 && first?.kind == 3)
        #expect(second?.token == TimerHeap.Entry.tokenMask && second?.kind == 255)
    }
}
