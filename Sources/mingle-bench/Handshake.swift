import ArgumentParser
import BenchClient
import EventLoop

struct Handshake: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect + upgrade + close, over and over: handshakes/s (TLS: full handshakes, or resumed with --resume).")
    @OptionGroup var common: CommonOptions
    @Option(name: .short, help: "Handshakes in progress at once.") var c = 16
    @Flag(help: "With --tls: offer the session ticket of the last connection, as a returning browser does (TLS 1.3 resumption with a fresh X25519 exchange).")
    var resume = false

    func run() throws {
        let target = try common.validated()
        guard (1...1000).contains(c) else { throw ValidationError("-c must be 1...1000") }
        guard !resume || target.tls else { throw ValidationError("--resume needs --tls") }
        let c = c, resume = resume
        print(try Runner.run { loop, finish in
            HandshakeScenario(loop: loop, target: target, concurrency: c, resume: resume, finish: finish)
        })
    }
}

final class HandshakeScenario: Scenario, WSClientDelegate {
    let loop: EventLoop
    let target: BenchTarget
    let concurrency: Int
    let resume: Bool
    let finish: (JSONLine) -> Void
    /// The newest session kept (with --resume), offered by every new connection.
    var resumption: ClientTLSResumption?
    var resumedHandshakes = 0
    var options = WSClientOptions()
    var next = 0
    var live: [Int: WSClient] = [:]
    var completed = 0
    var errors = 0
    var firstError: String?
    var measuring = false
    var done = false
    var latencies = Latencies()
    var cpuStart: Int64?
    var measureStart = ContinuousClock.now
    var ticker: Ticker?

    init(loop: EventLoop, target: BenchTarget, concurrency: Int, resume: Bool, finish: @escaping (JSONLine) -> Void) {
        self.loop = loop
        self.target = target
        self.concurrency = concurrency
        self.resume = resume
        self.finish = finish
    }

    func start() {
        options = target.clientOptions(tls: target.tls ? ClientTLSContext() : nil)
        for _ in 0..<concurrency { launch() }
        loop.schedule(at: .now + target.warmup) { [weak self] in
            guard let self else { return }
            self.measuring = true
            self.completed = 0
            self.resumedHandshakes = 0
            self.latencies = Latencies()
            self.cpuStart = self.target.proc?.cpuMicroseconds()
            self.measureStart = .now
            self.loop.schedule(at: .now + self.target.duration) { [weak self] in self?.end() }
        }
        ticker = Ticker(loop: loop) { [unowned self] in
            "handshake: \(self.completed) completed\(self.measuring ? "" : " (warmup)"), \(self.errors) errors"
        }
    }

    func launch() {
        guard !done else { return }
        let client = WSClient(tag: next, options: options, delegate: self, now: .now, resuming: resume ? resumption : nil)
        next += 1
        live[client.tag] = client
        do {
            try client.start(on: loop, to: target.address, from: target.source(for: client.tag))
            client.connection?.deadline = .now + .seconds(10)
        } catch {
            live[client.tag] = nil
            note("\(error)")
            // Out of ports or descriptors: retry a little later instead of spinning.
            loop.schedule(at: .now + .milliseconds(10)) { [weak self] in self?.launch() }
        }
    }

    func clientOpened(_ client: WSClient, now: ContinuousClock.Instant) {
        if measuring { latencies.record(now - client.startedAt) }
        if resume {
            // The server's ticket came before its 101, so it has been read by now.
            if measuring && client.tlsResumed { resumedHandshakes += 1 }
            if let fresh = client.tlsResumption() { resumption = fresh }
        }
        client.close()
    }

    func client(_ client: WSClient, received payload: UnsafeRawBufferPointer, opcode: UInt8, now: ContinuousClock.Instant) {}

    func clientClosed(_ client: WSClient, error: String?) {
        live[client.tag] = nil
        guard !done else { return }
        if let error { note(error) } else if client.openedAt != nil && measuring { completed += 1 }
        launch()
    }

    func note(_ e: String) {
        errors += 1
        if firstError == nil {
            firstError = e
            Runner.progress("handshake: error: \(e)")
        }
    }

    func end() {
        done = true
        ticker?.active = false
        let seconds = (ContinuousClock.now - measureStart).secondsDouble
        let cpuEnd = target.proc?.cpuMicroseconds()
        var r = JSONLine()
        r.add("scenario", "handshake")
        r.add("label", target.label)
        r.add("tls", target.tls)
        r.add("concurrency", concurrency)
        r.add("resume", resume)
        if resume { r.add("resumed", resumedHandshakes) }
        r.add("handshakes", completed)
        r.add("seconds", seconds)
        r.add("handshakes_per_s", Double(completed) / max(seconds, 0.001))
        r.add("open_us", latencies.summary([50, 99]))
        if let a = cpuStart, let b = cpuEnd, completed > 0 {
            r.add("server_cpu_us_per_handshake", Double(b - a) / Double(completed))
        }
        r.add("errors", errors)
        if let firstError { r.add("first_error", firstError) }
        for c in Array(live.values) { c.abort() }
        finish(r)
    }
}
