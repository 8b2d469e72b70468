import BenchClient
import EventLoop
import Foundation

/// Drives the attendees timeline on one loop (see `Attendees`).
final class AttendeesScenario: Scenario, WSClientDelegate {
    enum Stage: String { case joining, pairing, blip, chatting, announcing, done }

    let loop: EventLoop
    let target: BenchTarget
    let s: AttendeeSettings
    let finish: (JSONLine) -> Void
    var options = WSClientOptions()
    var tlsContext: ClientTLSContext?
    var attendees: [Attendee] = []
    var byID: [Int: Attendee] = [:]
    var stage = Stage.joining
    var started = 0
    var inProgress = 0
    var joined = 0
    var paired = 0
    var unplaced = 0
    var errors = 0
    var errorKinds: [String: Int] = [:]
    var joinLatency = Latencies()
    var pairLatency = Latencies()
    var chatLatency = Latencies()
    var resumeLatency = Latencies()
    var fanout = Latencies()
    var perAnnouncement: [Latencies] = []
    var announceSentAt: [ContinuousClock.Instant?] = []
    var roundStartSentAt: ContinuousClock.Instant?
    var allPairedAfter: Duration?
    var joinStartedAt = ContinuousClock.now
    var joinSeconds = 0.0
    /// Server CPU (µs, /proc) at the first connect and when the last attendee was welcomed.
    var joinCPUStart: Int64?
    var joinCPU: Int64?
    var blipState = BlipState()
    var chatsSent = 0
    var chatsDelivered = 0
    var contacts = 0
    var resumed = 0
    var ticker: Ticker?
    var rng: UInt64 = 0x2545_F491_4F6C_DD1D

    init(loop: EventLoop, target: BenchTarget, settings: AttendeeSettings, finish: @escaping (JSONLine) -> Void) {
        self.loop = loop
        self.target = target
        self.s = settings
        self.finish = finish
    }

    func start() {
        tlsContext = target.tls ? ClientTLSContext() : nil
        options = target.clientOptions(tls: tlsContext)
        options.origin = (target.tls ? "https://" : "http://") + target.hostHeader
        attendees = (0..<s.count).map(Attendee.init(tag:))
        joinCPUStart = target.proc?.cpuMicroseconds()
        joinStartedAt = .now
        fill()
        loop.schedule(at: .now + target.timeout) { [weak self] in
            guard let self, self.stage == .joining else { return }
            self.note("join_timeout", "only \(self.joined) of \(self.s.count) joined in time")
            self.startMingling()
        }
        ticker = Ticker(loop: loop) { [unowned self] in
            "attendees: \(self.stage.rawValue), joined \(self.joined)/\(self.s.count), paired \(self.paired), chats \(self.chatsDelivered)/\(self.chatsSent), \(self.errors) errors"
        }
    }

    func random(_ n: Int) -> Int {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
        return Int(rng % UInt64(max(1, n)))
    }

    // MARK: Joining

    func fill() {
        while stage == .joining && inProgress < s.concurrency && started < s.count {
            connect(attendees[started])
            started += 1
            inProgress += 1
        }
    }

    func connect(_ a: Attendee) {
        let client = WSClient(tag: a.tag, options: options, delegate: self, now: .now, resuming: a.resumption)
        a.client = client
        do { try client.start(on: loop, to: target.address, from: target.source(for: a.tag)) } catch {
            note("connect", "\(error)")
        }
    }

    func clientOpened(_ client: WSClient, now: ContinuousClock.Instant) {
        let a = attendees[client.tag]
        a.joinSentAt = now
        if stage == .blip && client.tlsResumed { blipState.tlsResumed += 1 }
        if a.resuming, let token = a.token {
            client.sendText("{\"type\":\"resume\",\"token\":\"\(token)\"}")
        } else {
            let region = s.regions[a.tag % s.regions.count]
            let attendance = a.tag % 3 == 0 ? "remote" : "onsite"
            let room = s.room(of: a.tag).map { ",\"room\":\"\($0)\"" } ?? ""
            client.sendText("{\"type\":\"join\",\"name\":\"Bench \(a.tag)\",\"attributes\":{\"region\":\"\(region)\",\"attendance\":\"\(attendance)\"},\"contact\":{\"email\":\"bench\(a.tag)@example.org\"}\(room)}")
        }
    }

    func welcomed(_ a: Attendee, _ json: [String: Any], now: ContinuousClock.Instant) {
        let latency = now - (a.joinSentAt ?? now)
        // Keep the TLS session with the ticket that came before this welcome, for the next reconnect.
        if let fresh = a.client?.tlsResumption() { a.resumption = fresh }
        if a.resuming {
            a.resuming = false
            resumed += 1
            resumeLatency.record(latency)
            let breakout = json["breakout"] as? [String: Any]
            if breakout == nil { note("resume_without_breakout", "resumed without its breakout") }
            if stage == .blip {
                blipState.latency.record(now - blipState.startedAt)
                if let id = breakout?["id"], a.breakoutID != nil, "\(id)" == a.breakoutID { blipState.backInBreakout += 1 }
                blipState.welcomed += 1
                blipState.inProgress -= 1
                blipArrived(now: now)
            }
            return
        }
        guard !a.welcomed else { return }
        a.welcomed = true
        a.token = json["resumeToken"] as? String
        if let attendee = json["attendee"] as? [String: Any], let id = attendee["id"] as? Int {
            a.id = id
            byID[id] = a
        }
        joinLatency.record(latency)
        joined += 1
        inProgress -= 1
        if joined == s.count {
            joinSeconds = (now - joinStartedAt).secondsDouble
            if let start = joinCPUStart, let end = target.proc?.cpuMicroseconds() { joinCPU = end - start }
            Runner.progress("attendees: all \(joined) joined in \(joinSeconds) s")
            loop.schedule(at: now + .seconds(1)) { [weak self] in self?.startMingling() }
        } else {
            fill()
        }
    }

    // MARK: Admin

    /// Sends one admin request on its own connection; returns when it was started (the origin for
    /// fan-out and pairing times, so they include the request's own connect and parse).
    @discardableResult
    func admin(_ path: String, body: String, done: @escaping (Int, [UInt8]) -> Void) -> ContinuousClock.Instant {
        let request = HTTPRequestClient(method: "POST", path: path, host: target.hostHeader, bearer: s.adminToken,
                                        body: body, tls: tlsContext) { status, bytes, _ in done(status, bytes) }
        let now = ContinuousClock.now
        do { _ = try loop.connect(to: target.address, from: nil, handler: request) } catch {
            note("admin_connect", "\(error)")
        }
        return now
    }

    func startMingling() {
        guard stage == .joining else { return }
        stage = .pairing
        if joinSeconds == 0 { joinSeconds = (ContinuousClock.now - joinStartedAt).secondsDouble }
        if s.rooms > 1 {
            // Every room's round starts in the same second: one request per room, all sent at once.
            for room in 0..<s.rooms {
                let sent = admin("/api/rooms/room-\(room)/mingling/start", body: "{}") { [weak self] status, body in
                    if status != 200 { self?.note("admin_start", "rooms/room-\(room)/mingling/start: \(status) \(String(decoding: body, as: UTF8.self))") }
                }
                if roundStartSentAt == nil { roundStartSentAt = sent }
            }
        } else {
            roundStartSentAt = admin("/api/mingling/start", body: "{\"session\":\"\(s.session)\"}") { [weak self] status, body in
                guard let self else { return }
                if status != 200 { self.note("admin_start", "mingling/start: \(status) \(String(decoding: body, as: UTF8.self))") }
            }
        }
        loop.schedule(at: .now + .seconds(10)) { [weak self] in
            guard let self, self.stage == .pairing else { return }
            self.note("pairing_timeout", "only \(self.paired + self.unplaced) of \(self.joined) placed within 10 s")
            self.startChatting()
        }
    }

    func placed(now: ContinuousClock.Instant) {
        if stage == .pairing && paired + unplaced >= joined {
            allPairedAfter = now - (roundStartSentAt ?? now)
            Runner.progress("attendees: everyone placed \(allPairedAfter!) after the start request")
            if s.blip {
                loop.schedule(at: now + .seconds(1)) { [weak self] in self?.startBlip() }
            } else {
                startChatting()
            }
        }
    }
}
