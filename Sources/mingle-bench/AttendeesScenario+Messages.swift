import BenchClient
import EventLoop
import Foundation

extension AttendeesScenario {
    func client(_ client: WSClient, received bytes: UnsafeRawBufferPointer, opcode: UInt8, now: ContinuousClock.Instant) {
        let a = attendees[client.tag]
        switch Self.messageType(bytes) {
        case "welcome":
            guard let json = Self.object(bytes) else { return note("bad_json", "welcome") }
            welcomed(a, json, now: now)
        case "breakout":
            guard let json = Self.object(bytes), let members = json["members"] as? [[String: Any]] else {
                return note("bad_json", "breakout")
            }
            guard a.breakoutAt == nil, stage == .pairing else { return }
            a.partners = members.compactMap { $0["id"] as? Int }.filter { $0 != a.id }
            a.breakoutID = json["id"].map { "\($0)" }
            if let mine = s.room(of: a.tag), a.partners.contains(where: { byID[$0].map { s.room(of: $0.tag) != mine } ?? false }) {
                note("cross_room_pairing", "attendee \(a.tag) in \(mine) was paired with someone from another room")
            }
            a.breakoutAt = now
            paired += 1
            pairLatency.record(now - (roundStartSentAt ?? now))
            placed(now: now)
        case "unplaced":
            if stage == .pairing { unplaced += 1; placed(now: now) }
        case "chat":
            guard let (from, seq) = Self.benchChat(bytes), from != a.tag, from < attendees.count else { return }
            let sender = attendees[from]
            guard seq < sender.chatSent.count else { return }
            chatsDelivered += 1
            chatLatency.record(now - sender.chatSent[seq])
        case "contact":
            a.contacts += 1
            contacts += 1
        case "announcement":
            guard let k = Self.announcementNumber(bytes), k < announceSentAt.count, let sent = announceSentAt[k] else { return }
            a.announcementsSeen += 1
            fanout.record(now - sent)
            perAnnouncement[k].record(now - sent)
        case "error":
            let code = Self.object(bytes).flatMap { $0["code"] as? String } ?? "unknown"
            note("server_error_\(code)", String(decoding: bytes.prefix(200), as: UTF8.self))
        default:
            break
        }
    }

    func clientClosed(_ client: WSClient, error: String?) {
        let a = attendees[client.tag]
        if client !== a.client { return }  // our own drop before a resume
        guard stage != .done else { return }
        if stage == .blip && a.resuming {
            blipState.failed += 1
            blipState.inProgress -= 1
            note("blip_closed", "attendee \(client.tag) closed while reconnecting (\(error ?? "clean"))")
            return blipArrived(now: .now)
        }
        if client.openedAt == nil { inProgress -= 1; fill() }
        note("closed", "attendee \(client.tag) closed (\(error ?? "clean")) during \(stage.rawValue)")
    }

    func note(_ kind: String, _ detail: String) {
        errors += 1
        errorKinds[kind, default: 0] += 1
        if errorKinds[kind] == 1 { Runner.progress("attendees: error \(kind): \(detail)") }
    }

    // MARK: Chatting, staying in touch, reconnecting

    func startChatting() {
        guard stage == .pairing || stage == .blip else { return }
        stage = .chatting
        let now = ContinuousClock.now
        for a in attendees where a.breakoutAt != nil {
            if let partner = a.partners.first { a.client?.sendText("{\"type\":\"stay_in_touch\",\"with\":\(partner)}") }
        }
        let slot = Duration.milliseconds(50)
        let slots = max(1, Int(s.chatInterval / slot))
        chatTick(slot: 0, slots: slots, every: slot, until: now + s.chatSeconds)
        let drops = Int(Double(joined) * s.reconnectFraction)
        for _ in 0..<drops {
            let a = attendees[random(attendees.count)]
            let at = now + .milliseconds(Int64(random(max(1, Int(s.chatSeconds.microseconds / 2000)))))
            loop.schedule(at: at) { [weak self] in self?.drop(a) }
        }
        loop.schedule(at: now + s.chatSeconds + .seconds(1)) { [weak self] in self?.startAnnouncing() }
    }

    func chatTick(slot: Int, slots: Int, every: Duration, until end: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        guard now < end, stage == .chatting else { return }
        var i = slot
        while i < attendees.count {
            let a = attendees[i]
            if a.breakoutAt != nil, !a.resuming, let c = a.client, c.phase == .open {
                c.sendText("{\"type\":\"chat\",\"text\":\"bench:\(a.tag):\(a.chatSent.count)\"}")
                a.chatSent.append(now)
                chatsSent += 1
            }
            i += slots
        }
        loop.schedule(at: now + every) { [weak self] in
            self?.chatTick(slot: (slot + 1) % slots, slots: slots, every: every, until: end)
        }
    }

    func drop(_ a: Attendee) {
        guard stage == .chatting, !a.resuming, a.token != nil, let old = a.client else { return }
        a.resuming = true
        a.client = nil
        old.abort()
        loop.schedule(at: .now + .milliseconds(200)) { [weak self] in self?.connect(a) }
    }

    // MARK: Announcements

    func startAnnouncing() {
        guard stage == .chatting else { return }
        stage = .announcing
        announceSentAt = Array(repeating: nil, count: s.announcements)
        perAnnouncement = Array(repeating: Latencies(), count: s.announcements)
        for k in 0..<s.announcements {
            loop.schedule(at: .now + .seconds(Int64(k))) { [weak self] in
                guard let self else { return }
                self.announceSentAt[k] = self.admin("/api/announce", body: "{\"text\":\"bench-announcement-\(k)\"}") { [weak self] status, body in
                    if status != 200 { self?.note("admin_announce", "announce: \(status) \(String(decoding: body, as: UTF8.self))") }
                }
            }
        }
        loop.schedule(at: .now + .seconds(Int64(s.announcements) + 2)) { [weak self] in self?.end() }
    }

    func end() {
        stage = .done
        ticker?.active = false
        let missing = s.announcements * joined - fanout.count
        if missing > 0 { note("announcement_missing", "\(missing) announcement deliveries missing") }
        var r = JSONLine()
        r.add("scenario", "attendees")
        r.add("label", target.label)
        r.add("tls", target.tls)
        r.add("attendees", s.count)
        r.add("rooms", s.rooms)
        r.add("joined", joined)
        r.add("join_seconds", joinSeconds)
        r.add("join_us", joinLatency.summary([50, 99]))
        r.add("paired", paired)
        r.add("unplaced", unplaced)
        if let d = allPairedAfter { r.add("all_paired_ms", Double(d.microseconds) / 1000) } else { r.addNull("all_paired_ms") }
        r.add("pair_us", pairLatency.summary([50, 99]))
        r.add("chats_sent", chatsSent)
        r.add("chats_delivered", chatsDelivered)
        r.add("chat_us", chatLatency.summary([50, 99]))
        r.add("contacts", contacts)
        if let cpu = joinCPU, joined > 0 {
            // What one server core could do if the load tool were not the limit: full TLS handshake,
            // upgrade, join and welcome, over the whole arrival (nothing else ran then).
            let perJoin = Double(cpu) / Double(joined)
            r.add("join_server_cpu_us_per_join", perJoin)
            r.add("join_capacity_per_core_s", perJoin > 0 ? 1e6 / perJoin : 0)
        }
        if s.blip { blipState.report(into: &r) }
        r.add("resumed", resumed)
        r.add("resume_us", resumeLatency.summary([50, 99]))
        r.add("announcements", s.announcements)
        r.add("announcement_deliveries", fanout.count)
        r.add("fanout_us", fanout.summary([50, 99]))
        for (k, l) in perAnnouncement.enumerated() { r.add("fanout\(k)_us", l.summary([99])) }
        r.add("errors", errors)
        for (k, v) in errorKinds.sorted(by: { $0.key < $1.key }) { r.add("error_\(k)", v) }
        for a in attendees { a.client?.abort() }
        finish(r)
    }

    // MARK: Reading server messages cheaply

    /// The `type` of a server message, read from its first bytes (`{"type":"…"` leads every message).
    static func messageType(_ b: UnsafeRawBufferPointer) -> String? {
        guard let start = find(Array("\"type\":\"".utf8), in: b, limit: 64) else { return nil }
        var end = start
        while end < b.count && b[end] != 0x22 { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    static func object(_ b: UnsafeRawBufferPointer) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(b)) as? [String: Any]
    }

    /// (sender tag, sequence) from a chat whose text is `bench:TAG:SEQ`.
    static func benchChat(_ b: UnsafeRawBufferPointer) -> (Int, Int)? {
        guard let start = find(Array("\"text\":\"bench:".utf8), in: b, limit: b.count) else { return nil }
        var i = start
        func number() -> Int? {
            var v = 0, digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1; digits += 1 }
            return digits > 0 ? v : nil
        }
        guard let tag = number(), i < b.count, b[i] == 0x3A else { return nil }
        i += 1
        guard let seq = number() else { return nil }
        return (tag, seq)
    }

    static func announcementNumber(_ b: UnsafeRawBufferPointer) -> Int? {
        guard var i = find(Array("bench-announcement-".utf8), in: b, limit: b.count) else { return nil }
        var v = 0, digits = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1; digits += 1 }
        return digits > 0 ? v : nil
    }

    /// Index just past `needle` in the first `limit` bytes of `b`.
    static func find(_ needle: [UInt8], in b: UnsafeRawBufferPointer, limit: Int) -> Int? {
        let n = min(b.count, limit)
        guard n >= needle.count else { return nil }
        var i = 0
        while i <= n - needle.count {
            if b[i] == needle[0] {
                var j = 1
                while j < needle.count && b[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i + j }
            }
            i += 1
        }
        return nil
    }
}
