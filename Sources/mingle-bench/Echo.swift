import ArgumentParser
import BenchClient
import EventLoop

struct Echo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "C connections x P messages in flight: messages/s, latency, server CPU-µs per message.")
    @OptionGroup var common: CommonOptions
    @Option(name: .short, help: "Connections.") var c = 50
    @Option(name: .short, help: "Messages in flight per connection.") var p = 1
    @Option(name: .short, help: "Message size in bytes.") var s = 32
    @Flag(help: "Binary messages instead of text.") var binary = false
    @Flag(help: "Offer permessage-deflate (the run fails if the server declines).") var deflate = false

    func run() throws {
        let target = try common.validated()
        guard (1...20_000).contains(c), (1...1000).contains(p), (1...(1 << 20)).contains(s) else {
            throw ValidationError("-c must be 1...20000, -p 1...1000, -s 1...1048576")
        }
        let (c, p, s, binary, deflate) = (c, p, s, binary, deflate)
        print(try Runner.run { loop, finish in
            EchoScenario(loop: loop, target: target, connections: c, inFlight: p, size: s, binary: binary,
                         deflate: deflate, finish: finish)
        })
    }
}

final class EchoScenario: Scenario, WSClientDelegate {
    let loop: EventLoop
    let target: BenchTarget
    let connections: Int
    let inFlight: Int
    let payload: [UInt8]
    let opcode: UInt8
    let deflate: Bool
    let finish: (JSONLine) -> Void
    var clients: [WSClient] = []
    var sent: [[ContinuousClock.Instant]] = []
    var sentHead: [Int] = []
    var opened = 0
    var errors = 0
    var firstError: String?
    var measuring = false
    var done = false
    var received = 0
    var total = 0
    var latencies = Latencies()
    var cpuStart: Int64?
    var measureStart: ContinuousClock.Instant?
    var ticker: Ticker?

    init(loop: EventLoop, target: BenchTarget, connections: Int, inFlight: Int, size: Int, binary: Bool,
         deflate: Bool, finish: @escaping (JSONLine) -> Void) {
        self.loop = loop
        self.target = target
        self.connections = connections
        self.inFlight = inFlight
        self.deflate = deflate
        self.finish = finish
        opcode = binary ? 2 : 1
        // Printable, not too repetitive: deflate has to work for its ratio, like on chat text.
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        let words = ["mingle", "round", "hello", "region", "co-creation", "public", "service", "idea", "the", "a"]
        var text: [UInt8] = []
        while text.count < size {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += Array(words[Int(rng >> 33) % words.count].utf8) + [32]
        }
        payload = Array(text.prefix(size))
    }

    func start() {
        let tls = target.tls ? ClientTLSContext() : nil
        var options = target.clientOptions(tls: tls)
        options.deflate = deflate
        let now = ContinuousClock.now
        for i in 0..<connections {
            let client = WSClient(tag: i, options: options, delegate: self, now: now)
            clients.append(client)
            sent.append([])
            sentHead.append(0)
            do { try client.start(on: loop, to: target.address, from: target.source(for: i)) } catch {
                noteError("\(error)")
            }
        }
        loop.schedule(at: now + target.timeout) { [weak self] in
            guard let self, !self.done, self.opened < self.connections else { return }
            self.noteError("only \(self.opened) of \(self.connections) connections opened in time")
            self.end()
        }
        ticker = Ticker(loop: loop) { [unowned self] in
            "echo: \(self.opened)/\(self.connections) open, \(self.measuring ? "measuring" : "warming up"), \(self.received) msgs, \(self.errors) errors"
        }
    }

    func clientOpened(_ client: WSClient, now: ContinuousClock.Instant) {
        if deflate && !client.deflateNegotiated {
            noteError("server declined permessage-deflate")
            end()
            return
        }
        opened += 1
        guard opened == connections else { return }
        Runner.progress("echo: all \(connections) connections open")
        for c in clients { for _ in 0..<inFlight { send(c, now: now) } }
        loop.schedule(at: now + target.warmup) { [weak self] in self?.beginMeasuring() }
    }

    func send(_ client: WSClient, now: ContinuousClock.Instant) {
        sent[client.tag].append(now)
        client.send(payload, opcode: opcode)
    }

    func beginMeasuring() {
        guard !done else { return }
        measuring = true
        received = 0
        latencies = Latencies()
        cpuStart = target.proc?.cpuMicroseconds()
        let now = ContinuousClock.now
        measureStart = now
        loop.schedule(at: now + target.duration) { [weak self] in self?.end() }
    }

    func client(_ client: WSClient, received bytes: UnsafeRawBufferPointer, opcode: UInt8, now: ContinuousClock.Instant) {
        let i = client.tag
        guard sentHead[i] < sent[i].count else { noteError("unexpected message"); return }
        let at = sent[i][sentHead[i]]
        sentHead[i] += 1
        if sentHead[i] > 1024 {
            sent[i].removeFirst(sentHead[i])
            sentHead[i] = 0
        }
        if bytes.count != payload.count { noteError("echo of \(bytes.count) bytes, sent \(payload.count)") }
        total += 1
        if measuring {
            received += 1
            latencies.record(now - at)
        }
        if !done { send(client, now: now) }
    }

    func clientClosed(_ client: WSClient, error: String?) {
        if let error, !done { noteError(error) }
    }

    func noteError(_ e: String) {
        errors += 1
        if firstError == nil {
            firstError = e
            Runner.progress("echo: error: \(e)")
        }
    }

    func end() {
        guard !done else { return }
        done = true
        ticker?.active = false
        let now = ContinuousClock.now
        let cpuEnd = target.proc?.cpuMicroseconds()
        let seconds = measureStart.map { (now - $0).secondsDouble } ?? 0
        var r = JSONLine()
        r.add("scenario", "echo")
        r.add("label", target.label)
        r.add("tls", target.tls)
        r.add("deflate", deflate)
        r.add("connections", connections)
        r.add("in_flight", inFlight)
        r.add("size", payload.count)
        r.add("binary", opcode == 2)
        r.add("messages", received)
        r.add("seconds", seconds)
        r.add("msgs_per_s", seconds > 0 ? Double(received) / seconds : 0)
        r.add("latency_us", latencies.summary([50, 90, 99]))
        if let a = cpuStart, let b = cpuEnd, received > 0 {
            r.add("server_cpu_us", Double(b - a))
            r.add("server_cpu_us_per_msg", Double(b - a) / Double(received))
        } else {
            r.addNull("server_cpu_us_per_msg")
        }
        r.add("errors", errors)
        if let firstError { r.add("first_error", firstError) }
        for c in clients { c.abort() }
        finish(r)
    }
}
