import ArgumentParser
import BenchClient
import EventLoop

struct Idle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open N connections and hold them: server RSS per connection, handshake latency.")
    @OptionGroup var common: CommonOptions
    @Option(name: .short, help: "Connections to open.") var n = 1000
    @Option(help: "Connects in progress at once.") var concurrency = 200

    func run() throws {
        let target = try common.validated()
        guard (1...60_000).contains(n), (1...5000).contains(concurrency) else {
            throw ValidationError("-n must be 1...60000 and --concurrency 1...5000")
        }
        let (n, concurrency) = (n, concurrency)
        print(try Runner.run { loop, finish in
            IdleScenario(loop: loop, target: target, count: n, concurrency: concurrency, finish: finish)
        })
    }
}

final class IdleScenario: Scenario, WSClientDelegate {
    let loop: EventLoop
    let target: BenchTarget
    let count: Int
    let concurrency: Int
    let finish: (JSONLine) -> Void
    var options = WSClientOptions()
    var clients: [WSClient] = []
    var started = 0
    var inProgress = 0
    var opened = 0
    var failed = 0
    var dropped = 0
    var firstError: String?
    var latencies = Latencies()
    var rssBefore: Int?
    var rssOpen: Int?
    var holding = false
    var done = false
    var ticker: Ticker?
    var openStart = ContinuousClock.now

    init(loop: EventLoop, target: BenchTarget, count: Int, concurrency: Int, finish: @escaping (JSONLine) -> Void) {
        self.loop = loop
        self.target = target
        self.count = count
        self.concurrency = concurrency
        self.finish = finish
    }

    func start() {
        options = target.clientOptions(tls: target.tls ? ClientTLSContext() : nil)
        rssBefore = target.proc?.residentKiB()
        openStart = .now
        fill()
        loop.schedule(at: .now + target.timeout) { [weak self] in
            guard let self, !self.holding, !self.done else { return }
            self.note("only \(self.opened) of \(self.count) connections opened in time")
            self.hold()
        }
        ticker = Ticker(loop: loop) { [unowned self] in
            "idle: \(self.opened)/\(self.count) open, \(self.failed) failed, \(self.dropped) dropped while held"
        }
    }

    func fill() {
        while inProgress < concurrency && started < count {
            let client = WSClient(tag: started, options: options, delegate: self, now: .now)
            clients.append(client)
            started += 1
            inProgress += 1
            do { try client.start(on: loop, to: target.address, from: target.source(for: client.tag)) } catch {
                inProgress -= 1
                failed += 1
                note("\(error)")
            }
        }
        if started == count && inProgress == 0 && !holding { hold() }
    }

    func clientOpened(_ client: WSClient, now: ContinuousClock.Instant) {
        latencies.record(now - client.startedAt)
        opened += 1
        inProgress -= 1
        fill()
    }

    func client(_ client: WSClient, received payload: UnsafeRawBufferPointer, opcode: UInt8, now: ContinuousClock.Instant) {}

    func clientClosed(_ client: WSClient, error: String?) {
        guard !done else { return }
        if client.openedAt == nil {
            failed += 1
            inProgress -= 1
            note(error ?? "closed before opening")
            fill()
        } else {
            opened -= 1
            dropped += 1
            note(error ?? "closed by server")
        }
    }

    func note(_ e: String) {
        if firstError == nil {
            firstError = e
            Runner.progress("idle: error: \(e)")
        }
    }

    func hold() {
        guard !holding else { return }
        holding = true
        let openSeconds = (ContinuousClock.now - openStart).secondsDouble
        Runner.progress("idle: \(opened) open after \(openSeconds) s; holding")
        // Settle for the warmup, read RSS, hold for the duration, read it again.
        loop.schedule(at: .now + target.warmup) { [weak self] in
            guard let self else { return }
            self.rssOpen = self.target.proc?.residentKiB()
            self.loop.schedule(at: .now + self.target.duration) { [weak self] in self?.end(openSeconds: openSeconds) }
        }
    }

    func end(openSeconds: Double) {
        done = true
        ticker?.active = false
        let rssEnd = target.proc?.residentKiB()
        var r = JSONLine()
        r.add("scenario", "idle")
        r.add("label", target.label)
        r.add("tls", target.tls)
        r.add("requested", count)
        r.add("open", opened)
        r.add("failed", failed)
        r.add("dropped", dropped)
        r.add("open_seconds", openSeconds)
        r.add("handshake_us", latencies.summary([50, 99]))
        if let a = rssBefore, let b = rssOpen, opened > 0 {
            r.add("server_rss_before_kib", a)
            r.add("server_rss_open_kib", b)
            if let rssEnd { r.add("server_rss_end_kib", rssEnd) }
            r.add("server_kib_per_conn", Double(max(b, rssEnd ?? b) - a) / Double(opened))
        } else {
            r.addNull("server_kib_per_conn")
        }
        r.add("errors", failed + dropped)
        if let firstError { r.add("first_error", firstError) }
        for c in clients { c.abort() }
        finish(r)
    }
}
