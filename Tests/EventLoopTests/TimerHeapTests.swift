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
                heap.push(.init(deadline: t0 + .milliseconds(offset), token: UInt64(token), kind: 0))
            }
            var popped: [Int] = []
            while let entry = heap.popFirst() { popped.append(Int((entry.deadline - t0) / .milliseconds(1))) }
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
                heap.push(.init(deadline: t0 + .milliseconds(offset), token: 0, kind: 0))
            } else {
                let smallest = model.min()!
                model.remove(at: model.firstIndex(of: smallest)!)
                #expect(heap.popFirst()?.deadline == t0 + .milliseconds(smallest))
            }
            #expect(heap.count == model.count)
            #expect(heap.first?.deadline == model.min().map { t0 + .milliseconds($0) })
        }
    }
}
