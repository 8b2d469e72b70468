import Testing
import MingleTestSupport
@testable import EventLoop

/// What a loop keeps of its own in these tests: its index, and a flag set when it is released.
final class LoopState {
    let index: Int
    let released: Locked<[Int]>
    init(index: Int, released: Locked<[Int]>) {
        self.index = index
        self.released = released
    }
    deinit {
        let index = self.index
        released.withLock { $0.append(index) }
    }
}

@Suite struct LoopContextTests {
    private func startGroup(loops: Int, released: Locked<[Int]>) throws -> LoopGroup<LoopState> {
        var config = LoopGroupConfiguration()
        config.loops = loops
        return try LoopGroup(configuration: config) { loop, _ in LoopState(index: loop.index, released: released) }
    }

    @Test func everyJobGetsTheContextItsLoopsSetupMade() throws {
        let group = try startGroup(loops: 3, released: Locked([]))
        defer { group.shutdown() }
        let seen = Locked<[Int: Int]>([:])
        let done = DispatchLikeSemaphore()
        for handle in group.handles {
            handle.execute { loop, state in
                seen.withLock { $0[loop.index] = state.index }
                done.signal()
            }
        }
        for _ in group.handles { done.wait() }
        #expect(seen.withLock { $0 } == [0: 0, 1: 1, 2: 2])
    }

    @Test func theContextIsReleasedWhenItsLoopEnds() throws {
        let released = Locked<[Int]>([])
        let group = try startGroup(loops: 2, released: released)
        #expect(released.withLock { $0 }.isEmpty)
        group.shutdown()
        #expect(released.withLock { $0 }.sorted() == [0, 1])
    }
}
