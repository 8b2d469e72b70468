import Foundation
import Testing
@testable import MingleServer

/// An idle server makes no wake-ups: every loop thread (connections and hub) stays blocked in
/// epoll_wait, so its voluntary context switches do not move while nothing happens.
@Suite struct IdleServerTests {
    static func contextSwitches(_ tids: [Int32]) -> Int {
        tids.reduce(0) { total, tid in
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(tid)/status", encoding: .utf8) else { return total }
            let line = text.split(separator: "\n").first { $0.hasPrefix("voluntary_ctxt_switches:") }
            return total + (line.flatMap { Int($0.split(separator: "\t").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") } ?? 0)
        }
    }

    @Test func idleServerWithAnEventDoesNotWakeUp() throws {
        let s = try TestServer(withEvent: true)
        defer { s.stop() }
        // Every loop is up, past its setup, and back in epoll_wait after the barrier job.
        s.server.barrier()
        let tids = s.server.loopKernelThreadIDs
        #expect(tids.count == s.server.loopCount)
        let before = Self.contextSwitches(tids)
        // An observation window (not a wait for state): nothing may happen in it.
        usleep(700_000)
        let after = Self.contextSwitches(tids)
        #expect(after - before <= 1, "idle loops woke up \(after - before) times in 0.7 s")
    }
}
