import Foundation
import Mingling

/// The engine's state as one journal line, `{"at":<ms>,"e":"snapshot","version":1,"state":{...}}`: the first
/// line of a compacted journal (JournalCompaction.swift). Field names follow `EngineSnapshot`; pairs are
/// `[a, b]` arrays; times are milliseconds since the epoch.
enum SnapshotCodec {
    static let version = 1
    /// Whether a journal line is a snapshot (the encoder writes `at`, then `e`, first).
    static func isSnapshot(_ line: Substring) -> Bool { line.prefix(64).contains("\"e\":\"snapshot\"") }

    static func encode(_ s: EngineSnapshot, at now: Timestamp) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("at", now.millisecondsSinceEpoch)
        w.field("e", "snapshot")
        w.field("version", version)
        w.key("state"); w.beginObject()
        w.key("attendees"); w.beginArray()
        for a in s.attendees { attendee(&w, a) }
        w.endArray()
        w.key("rooms"); w.beginArray()
        for r in s.rooms { room(&w, r) }
        w.endArray()
        pairs(&w, "met", s.met)
        pairs(&w, "blocked", s.blocked)
        pairs(&w, "requests", s.requests)
        pairs(&w, "exchanged", s.exchanged)
        w.key("receivedCards"); w.beginArray()
        for r in s.receivedCards {
            w.beginObject(); w.field("receiver", Int(r.receiver.rawValue))
            w.key("cards"); w.beginArray()
            for c in r.cards {
                w.beginObject(); w.field("from", Int(c.from.rawValue)); w.key("card"); JournalCodec.encodeCard(&w, c.card); w.endObject()
            }
            w.endArray(); w.endObject()
        }
        w.endArray()
        w.key("openBreakouts"); w.beginArray()
        for b in s.openBreakouts { JournalCodec.encodeBreakout(&w, b) }
        w.endArray()
        w.field("nextBreakoutNumber", Int64(s.nextBreakoutNumber))
        w.key("grace"); w.beginArray()
        for g in s.grace { w.beginArray(); w.int64(g.deadline.millisecondsSinceEpoch); w.int(Int(g.id.rawValue)); w.endArray() }
        w.endArray()
        sessions(&w, "startedSessions", s.startedSessions)
        sessions(&w, "endedSessions", s.endedSessions)
        sessions(&w, "mingledSessions", s.mingledSessions)
        sessions(&w, "missedSessions", s.missedSessions)
        w.field("joiningPaused", s.joiningPaused)
        w.field("personalDataExpired", s.personalDataExpired)
        w.key("reports"); w.beginArray()
        for r in s.reports {
            w.beginObject()
            w.field("from", Int(r.from.rawValue)); w.field("about", Int(r.about.rawValue))
            w.field("reason", r.reason); w.field("at", r.at.millisecondsSinceEpoch)
            w.endObject()
        }
        w.endArray()
        w.key("totals"); w.beginObject()
        w.field("contactExchanges", s.totals.contactExchanges); w.field("reconnects", s.totals.reconnects)
        w.endObject()
        w.endObject()
        w.endObject()
        return w.text
    }

    private static func attendee(_ w: inout JSONWriter, _ a: AttendeeState) {
        w.beginObject()
        w.field("id", Int(a.id.rawValue))
        w.key("profile"); JournalCodec.encodeProfile(&w, a.profile)
        w.field("registeredAt", a.registeredAt.millisecondsSinceEpoch)
        switch a.connection {
        case .connected: w.field("connection", "connected")
        case .offline: w.field("connection", "offline")
        case .reconnecting(let since, let grace):
            w.field("connection", "reconnecting")
            w.field("since", since.millisecondsSinceEpoch); w.field("graceEndsAt", grace.millisecondsSinceEpoch)
        }
        w.field("room", optional: a.room?.rawValue)
        if let b = a.breakout { w.field("breakout", Int64(b.rawValue)) }
        w.field("removed", a.removed)
        w.field("erased", a.erased)
        if !a.endedBreakouts.isEmpty {
            w.key("endedBreakouts"); w.beginArray()
            for e in a.endedBreakouts {
                w.beginObject()
                w.field("breakout", Int64(e.breakout.rawValue)); w.field("room", e.room.rawValue)
                w.field("session", e.session.rawValue); w.field("round", e.round)
                w.field("endsAt", e.endsAt.millisecondsSinceEpoch); w.field("answered", e.answered)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
    }

    private static func room(_ w: inout JSONWriter, _ r: EngineSnapshot.RoomSnapshot) {
        w.beginObject()
        w.field("id", r.id.rawValue)
        w.key("phase"); phase(&w, r.phase)
        w.key("waiting"); w.beginArray()
        for (id, at) in r.waiting { w.beginArray(); w.int(Int(id.rawValue)); w.int64(at.millisecondsSinceEpoch); w.endArray() }
        w.endArray()
        w.key("roundMet"); w.beginArray()
        for (id, met) in r.roundMet {
            w.beginArray(); w.int(Int(id.rawValue)); w.beginArray(); for m in met { w.int(Int(m.rawValue)) }; w.endArray(); w.endArray()
        }
        w.endArray()
        w.key("members"); w.beginArray(); for m in r.members { w.int(Int(m.rawValue)) }; w.endArray()
        w.key("totals"); w.beginObject()
        w.field("roundsRun", r.totals.roundsRun); w.field("breakoutsFormed", r.totals.breakoutsFormed)
        w.field("breakoutsSpanning", r.totals.breakoutsSpanning)
        w.key("feedback"); JournalCodec.encodeFeedback(&w, r.totals.feedback)
        w.endObject()
        w.key("quality"); JournalCodec.encodeQuality(&w, r.quality)
        w.key("feedbackByRound"); JournalCodec.encodeFeedbackByRound(&w, r.feedbackByRound)
        w.endObject()
    }

    private static func phase(_ w: inout JSONWriter, _ p: Phase) {
        w.beginObject()
        switch p {
        case .lobby: w.field("kind", "lobby")
        case .session(let s): w.field("kind", "session"); w.field("session", s.rawValue)
        case .mingling(let m):
            w.field("kind", "mingling"); w.field("session", m.session.rawValue); w.field("round", m.round)
            w.key("plan"); w.beginObject()
            w.field("rounds", m.plan.rounds); w.field("roundSeconds", m.plan.roundSeconds); w.field("groupSize", m.plan.groupSize)
            w.key("pairing"); w.beginArray()
            for rule in m.plan.rules {
                w.beginObject(); w.field("attribute", rule.attribute); w.field("policy", rule.policy.rawValue); w.endObject()
            }
            w.endArray()
            w.key("prompts"); w.beginArray(); for p in m.plan.prompts { w.string(p) }; w.endArray()
            w.field("warningSeconds", m.plan.warningSeconds); w.field("start", m.plan.start.rawValue)
            w.field("lateJoinWindowSeconds", m.plan.lateJoinWindowSeconds)
            w.endObject()
            switch m.status {
            case .running(let startedAt, let endsAt, let warned):
                w.field("status", "running"); w.field("startedAt", startedAt.millisecondsSinceEpoch)
                w.field("endsAt", endsAt.millisecondsSinceEpoch); w.field("warned", warned)
            case .between(let next):
                w.field("status", "between"); w.field("nextStartsAt", next.millisecondsSinceEpoch)
            }
        }
        w.endObject()
    }

    private static func pairs(_ w: inout JSONWriter, _ key: String, _ list: [EngineSnapshot.Pair]) {
        w.key(key); w.beginArray()
        for p in list { w.beginArray(); w.int(Int(p.a.rawValue)); w.int(Int(p.b.rawValue)); w.endArray() }
        w.endArray()
    }

    private static func sessions(_ w: inout JSONWriter, _ key: String, _ list: [SessionID]) {
        w.key(key); w.beginArray(); for s in list { w.string(s.rawValue) }; w.endArray()
    }
}
