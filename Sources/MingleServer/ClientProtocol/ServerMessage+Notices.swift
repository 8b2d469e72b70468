import Mingling

/// The wire message for each engine notice (README.md in this folder lists them). Only profiles are read
/// from the engine here; everything that depends on when the notice was made travels in the notice.
extension ServerMessage {
    static func encode(_ message: Notice.Message, _ engine: MinglingEngine) -> [UInt8] {
        switch message {
        case .roomEntered(let room):
            return JSONWriter.message("room") { w in w.field("room", optional: room?.rawValue) }
        case .phase(let room, let phase, let joiningPaused):
            return Self.phase(room: room, phase, joiningPaused: joiningPaused)
        case .roundStarted(let room, let session, let round, let rounds, let startedAt, let endsAt, let warning):
            return JSONWriter.message("round_started") { w in
                w.field("room", room.rawValue); w.field("session", session.rawValue)
                w.field("round", round); w.field("rounds", rounds)
                w.field("startedAt", startedAt.millisecondsSinceEpoch); w.field("endsAt", endsAt.millisecondsSinceEpoch)
                w.field("warningSeconds", warning)
            }
        case .breakout(let b):
            return JSONWriter.message("breakout") { w in breakoutFields(&w, b, engine) }
        case .unplaced:
            return JSONWriter.message("unplaced")
        case .waiting(let eligibleAt):
            return JSONWriter.message("waiting") { $0.field("eligibleAt", eligibleAt.millisecondsSinceEpoch) }
        case .roundEndingSoon(let endsAt):
            return JSONWriter.message("round_ending_soon") { $0.field("endsAt", endsAt.millisecondsSinceEpoch) }
        case .roundExtended(let endsAt):
            return JSONWriter.message("round_extended") { $0.field("endsAt", endsAt.millisecondsSinceEpoch) }
        case .roundEnded(let room, let round, let met):
            return JSONWriter.message("round_ended") { w in
                w.field("room", room.rawValue)
                w.field("round", round)
                w.key("met"); w.beginArray()
                for m in met { if let a = engine.attendee(m) { attendee(&w, m, a.profile, engine.plan) } }
                w.endArray()
            }
        case .leftBreakout(let b, let reason):
            return JSONWriter.message("left_breakout") { w in
                w.field("breakout", Int64(b.rawValue)); w.field("reason", reason.rawValue)
            }
        case .partnerLeft(let id, let reason):
            return JSONWriter.message("partner_left") { w in
                w.field("attendee", Int(id.rawValue)); w.field("reason", reason.rawValue)
            }
        case .partnerReconnecting(let id, let grace):
            return JSONWriter.message("partner_reconnecting") { w in
                w.field("attendee", Int(id.rawValue)); w.field("graceEndsAt", grace.millisecondsSinceEpoch)
            }
        case .partnerBack(let id):
            return JSONWriter.message("partner_back") { $0.field("attendee", Int(id.rawValue)) }
        case .breakoutClosed(let reason):
            return JSONWriter.message("breakout_closed") { $0.field("reason", reason.rawValue) }
        case .chat(let from, let text, let at):
            let name = engine.attendee(from)?.profile.displayName ?? ""
            return JSONWriter.message("chat") { w in
                w.field("from", Int(from.rawValue)); w.field("name", name); w.field("text", text)
                w.field("at", at.millisecondsSinceEpoch)
            }
        case .signal(let from, let kind, let payload):
            return JSONWriter.message("signal") { w in
                w.field("from", Int(from.rawValue)); w.field("kind", kind.rawValue); w.field("payload", payload)
            }
        case .stayInTouchPending(let other):
            return JSONWriter.message("stay_in_touch_pending") { $0.field("with", Int(other.rawValue)) }
        case .stayInTouchWithdrawn(let other):
            return JSONWriter.message("stay_in_touch_withdrawn") { $0.field("with", Int(other.rawValue)) }
        case .contact(let from, let card):
            return JSONWriter.message("contact") { w in w.key("card"); contactCard(&w, from, card) }
        case .removed(let reason):
            return JSONWriter.message("removed") { $0.field("reason", reason) }
        case .feedbackRecorded(let breakout, let answer):
            return JSONWriter.message("feedback_recorded") { w in
                w.field("breakout", Int64(breakout.rawValue)); w.field("answer", answer.rawValue)
            }
        case .erased:
            return JSONWriter.message("deleted")
        }
    }

    /// Whether a slow connection may skip it (nothing is, today: every notice changes what the page shows).
    static func isDroppable(_ message: Notice.Message) -> Bool { false }
}
