import Foundation
import Mingling

/// One journal line per domain event: `{"at":<ms>,"e":"<name>",...}`. Encoding is by hand
/// (stable key order, fast); decoding uses JSONSerialization, since it runs once at start.
/// A reloaded plan is recorded by name only: on replay the current event file is the plan.
enum JournalCodec {
    static func encode(_ event: DomainEvent, at now: Timestamp) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("at", now.millisecondsSinceEpoch)
        switch event {
        case .attendeeRegistered(let id, let profile, let at):
            w.field("e", "attendee_registered"); id_(&w, "id", id); time(&w, at)
            w.key("profile"); encodeProfile(&w, profile)
        case .attendeeConnected(let id, let at):
            w.field("e", "attendee_connected"); id_(&w, "id", id); time(&w, at)
        case .attendeeDisconnected(let id, let at, let grace):
            w.field("e", "attendee_disconnected"); id_(&w, "id", id); time(&w, at); w.field("grace", grace.millisecondsSinceEpoch)
        case .attendeeResumed(let id, let at, let b):
            w.field("e", "attendee_resumed"); id_(&w, "id", id); time(&w, at)
            if let b { w.field("breakout", Int64(b.rawValue)) }
        case .attendeeDropped(let id, let at):
            w.field("e", "attendee_dropped"); id_(&w, "id", id); time(&w, at)
        case .attendeeRemoved(let id, let reason, let at):
            w.field("e", "attendee_removed"); id_(&w, "id", id); w.field("reason", reason); time(&w, at)
        case .attendeeErased(let id, let at):
            w.field("e", "attendee_erased"); id_(&w, "id", id); time(&w, at)
        case .personalDataExpired(let at):
            w.field("e", "personal_data_expired"); time(&w, at)
        case .attendeeEnteredRoom(let id, let room, let at):
            w.field("e", "attendee_entered_room"); id_(&w, "id", id); w.field("room", optional: room?.rawValue); time(&w, at)
        case .sessionStarted(let r, let s, let at):
            w.field("e", "session_started"); place(&w, r, s); time(&w, at)
        case .sessionEnded(let r, let s, let at):
            w.field("e", "session_ended"); place(&w, r, s); time(&w, at)
        case .minglingStarted(let r, let s, let rounds, let at):
            w.field("e", "mingling_started"); place(&w, r, s); w.field("rounds", rounds); time(&w, at)
        case .minglingMissed(let r, let s, let at):
            w.field("e", "mingling_missed"); place(&w, r, s); time(&w, at)
        case .roundStarted(let r, let s, let round, let startedAt, let endsAt, let breakouts, let unplaced, let quality):
            w.field("e", "round_started"); place(&w, r, s); w.field("round", round)
            w.field("startedAt", startedAt.millisecondsSinceEpoch); w.field("endsAt", endsAt.millisecondsSinceEpoch)
            w.key("breakouts"); w.beginArray(); for b in breakouts { encodeBreakout(&w, b) }; w.endArray()
            w.key("unplaced"); ids(&w, unplaced)
            if !quality.isEmpty { w.key("quality"); encodeQuality(&w, quality) }
        case .breakoutFormed(let b):
            w.field("e", "breakout_formed"); w.key("breakout"); encodeBreakout(&w, b)
        case .roundEndingSoon(let r, let s, let round, let endsAt):
            w.field("e", "round_ending_soon"); place(&w, r, s); w.field("round", round); w.field("endsAt", endsAt.millisecondsSinceEpoch)
        case .roundExtended(let r, let s, let round, let endsAt):
            w.field("e", "round_extended"); place(&w, r, s); w.field("round", round); w.field("endsAt", endsAt.millisecondsSinceEpoch)
        case .roundEnded(let r, let s, let round, let at):
            w.field("e", "round_ended"); place(&w, r, s); w.field("round", round); time(&w, at)
        case .minglingEnded(let r, let s, let at):
            w.field("e", "mingling_ended"); place(&w, r, s); time(&w, at)
        case .attendeeWaiting(let id, let eligibleAt):
            w.field("e", "attendee_waiting"); id_(&w, "id", id); w.field("eligibleAt", eligibleAt.millisecondsSinceEpoch)
        case .leftBreakout(let id, let b, let reason):
            w.field("e", "left_breakout"); id_(&w, "id", id); w.field("breakout", Int64(b.rawValue)); w.field("reason", reason.rawValue)
        case .breakoutClosed(let b, let reason, let returned):
            w.field("e", "breakout_closed"); w.field("breakout", Int64(b.rawValue)); w.field("reason", reason.rawValue)
            w.key("returned"); ids(&w, returned)
        case .chatDelivered(let b, let from, _, let recipients, let at):
            // Chat content is never journaled; the line exists only if a caller asks for it.
            w.field("e", "chat_delivered"); w.field("breakout", Int64(b.rawValue)); id_(&w, "from", from)
            w.key("recipients"); ids(&w, recipients); time(&w, at)
        case .signalRelayed(let from, let to, let kind, _):
            w.field("e", "signal_relayed"); id_(&w, "from", from); id_(&w, "to", to); w.field("kind", kind.rawValue)
        case .stayInTouchRequested(let from, let to):
            w.field("e", "stay_in_touch_requested"); id_(&w, "from", from); id_(&w, "to", to)
        case .stayInTouchWithdrawn(let from, let to):
            w.field("e", "stay_in_touch_withdrawn"); id_(&w, "from", from); id_(&w, "to", to)
        case .contactsExchanged(let first, let second, let firstCard, let secondCard):
            w.field("e", "contacts_exchanged"); id_(&w, "first", first); id_(&w, "second", second)
            w.key("firstCard"); encodeCard(&w, firstCard)
            w.key("secondCard"); encodeCard(&w, secondCard)
        case .attendeeReported(let from, let about, let reason, let at):
            w.field("e", "attendee_reported"); id_(&w, "from", from); id_(&w, "about", about); w.field("reason", reason); time(&w, at)
        case .feedbackGiven(let id, let b, let answer, let r, let s, let round, let at):
            w.field("e", "feedback_given"); id_(&w, "id", id); w.field("breakout", Int64(b.rawValue))
            w.field("answer", answer.rawValue); place(&w, r, s); w.field("round", round); time(&w, at)
        case .attendeeBlocked(let from, let whom, let at):
            w.field("e", "attendee_blocked"); id_(&w, "from", from); id_(&w, "whom", whom); time(&w, at)
        case .joiningPaused(let at):
            w.field("e", "joining_paused"); time(&w, at)
        case .joiningResumed(let at):
            w.field("e", "joining_resumed"); time(&w, at)
        case .planReplaced:
            w.field("e", "plan_replaced")
        }
        w.endObject()
        return w.text
    }

    /// The journal takes writes again after failing (for the record; replay skips it).
    static func journalResumed(at now: Timestamp, after reason: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("at", now.millisecondsSinceEpoch)
        w.field("e", "journal_resumed")
        w.field("after", reason)
        w.endObject()
        return w.text
    }

    /// An organiser's action, for the record (replay skips it): `{"at","e":"admin_action","by","action",...}`.
    static func adminAction(_ action: String, by actor: String, at now: Timestamp, extra: [String: String?] = [:]) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("at", now.millisecondsSinceEpoch)
        w.field("e", "admin_action")
        w.field("by", actor)
        w.field("action", action)
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { w.field(k, optional: v) }
        w.endObject()
        return w.text
    }

    private static func place(_ w: inout JSONWriter, _ room: RoomID, _ session: SessionID) {
        w.field("room", room.rawValue); w.field("session", session.rawValue)
    }
    private static func id_(_ w: inout JSONWriter, _ k: String, _ id: AttendeeID) { w.field(k, Int(id.rawValue)) }
    private static func time(_ w: inout JSONWriter, _ t: Timestamp) { w.field("t", t.millisecondsSinceEpoch) }
    private static func ids(_ w: inout JSONWriter, _ list: [AttendeeID]) {
        w.beginArray(); for id in list { w.int(Int(id.rawValue)) }; w.endArray()
    }

    static func encodeProfile(_ w: inout JSONWriter, _ p: Profile) {
        w.beginObject()
        w.field("name", p.displayName)
        w.key("attributes"); w.beginObject()
        // One value as a string (every line written before `multiple` existed reads the same), several as an array.
        for (k, values) in p.attributes.sorted(by: { $0.key < $1.key }) {
            if values.count == 1 {
                w.field(k, values[0])
            } else {
                w.key(k); w.beginArray(); for v in values { w.string(v) }; w.endArray()
            }
        }
        w.endObject()
        w.fieldIfPresent("organisation", p.organisation)
        if let card = p.contactCard { w.key("card"); encodeCard(&w, card) }
        w.endObject()
    }

    static func encodeCard(_ w: inout JSONWriter, _ c: ContactCard) {
        w.beginObject()
        w.fieldIfPresent("name", c.name)
        w.fieldIfPresent("organisation", c.organisation)
        w.fieldIfPresent("email", c.email)
        w.fieldIfPresent("link", c.link)
        w.endObject()
    }

    /// `[{"attribute","policy","satisfied","groups","best","alone"?}]`: the journal's, the snapshot's and the
    /// status API's form.
    static func encodeQuality(_ w: inout JSONWriter, _ quality: [RuleQuality]) {
        w.beginArray()
        for q in quality {
            w.beginObject()
            w.field("attribute", q.attribute); w.field("policy", q.policy.rawValue)
            w.field("satisfied", q.satisfied); w.field("groups", q.groups); w.field("best", q.best)
            if let alone = q.alone { w.field("alone", alone) }
            w.endObject()
        }
        w.endArray()
    }

    /// `{"yes","so_so","no"}` counts, as answers are named on the wire.
    static func encodeFeedback(_ w: inout JSONWriter, _ counts: FeedbackCounts) {
        w.beginObject()
        for answer in FeedbackAnswer.allCases { w.field(answer.rawValue, counts[answer]) }
        w.endObject()
    }

    /// `[{"session","round","yes","so_so","no"}]`, in the order the rounds ran.
    static func encodeFeedbackByRound(_ w: inout JSONWriter, _ rounds: [RoundFeedback]) {
        w.beginArray()
        for r in rounds {
            w.beginObject()
            w.field("session", r.session.rawValue); w.field("round", r.round)
            for answer in FeedbackAnswer.allCases { w.field(answer.rawValue, r.counts[answer]) }
            w.endObject()
        }
        w.endArray()
    }

    static func encodeBreakout(_ w: inout JSONWriter, _ b: Breakout) {
        w.beginObject()
        w.field("id", Int64(b.id.rawValue))
        w.field("room", b.room.rawValue)
        w.key("members"); ids(&w, b.members)
        w.field("prompt", optional: b.prompt)
        w.field("endsAt", b.endsAt.millisecondsSinceEpoch)
        w.endObject()
    }
}
