import BenchClient
import EventLoop
#if canImport(Glibc)
import Glibc
#endif

/// A scenario lives on one loop thread; it calls `finish` once with its JSON result.
protocol Scenario: AnyObject {
    func start()
}

/// Runs a scenario on a one-thread loop group until it finishes; returns its JSON line.
enum Runner {
    final class Outcome: Sendable {
        let text = Locked<String?>(nil)
    }

    static func run(_ make: @escaping @Sendable (EventLoop, @escaping (JSONLine) -> Void) -> any Scenario) throws -> String {
        _ = raiseOpenFileLimit()
        let outcome = Outcome()
        var config = LoopGroupConfiguration()
        config.loops = 1
        config.maxConnections = 1 << 20
        config.limits.lingerTimeout = .milliseconds(500)
        // The scenario is the loop's context: the loop keeps it alive until it stops.
        let group = try LoopGroup(configuration: config) { loop, _ in
            let scenario = make(loop) { result in
                outcome.text.withLock { $0 = result.text }
                loop.stop()
            }
            scenario.start()
            return scenario
        }
        group.join()
        return outcome.text.withLock { $0 } ?? "{\"error\":\"no result\"}"
    }

    static func progress(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

/// Prints a progress line every second while `body` returns a text.
final class Ticker {
    let loop: EventLoop
    var active = true
    init(loop: EventLoop, every: Duration = .seconds(1), _ body: @escaping () -> String?) {
        self.loop = loop
        schedule(every: every, body)
    }

    private func schedule(every: Duration, _ body: @escaping () -> String?) {
        loop.schedule(at: .now + every) { [weak self] in
            guard let self, self.active else { return }
            if let text = body() { Runner.progress(text) }
            self.schedule(every: every, body)
        }
    }
}
