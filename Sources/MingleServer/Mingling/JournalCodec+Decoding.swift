import Foundation
import Mingling

extension JournalCodec {
    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    /// Decodes one line; nil for lines that replay skips (`plan_replaced`).
    static func decode(_ line: Substring) throws(DecodeError) -> DomainEvent? {
        let o: [String: Any]
        do {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DecodeError(description: "not a JSON object")
            }
            o = obj
        } catch let e as DecodeError {
            throw e
        } catch {
            throw DecodeError(description: "not valid JSON")
        }
        let r = Reader(o: o)
        guard let name = o["e"] as? String else { throw DecodeError(description: "missing \"e\"") }
        switch name {
        case "attendee_registered":
            return .attendeeRegistered(try r.id("id"), try profile(o["profile"]), at: try r.t())
        case "attendee_entered_room":
            return .attendeeEnteredRoom(try r.id("id"), (o["room"] as? String).map { RoomID($0) }, at: try r.t())
        case "attendee_connected": return .attendeeConnected(try r.id("id"), at: try r.t())
        case "attendee_disconnected":
            return .attendeeDisconnected(try r.id("id"), at: try r.t(), graceEndsAt: try r.time("grace"))
        case "attendee_resumed":
            return .attendeeResumed(try r.id("id"), at: try r.t(), breakout: (o["breakout"] as? NSNumber).map { BreakoutID($0.uint64Value) })
        case "attendee_dropped": return .attendeeDropped(try r.id("id"), at: try r.t())
        case "attendee_removed": return .attendeeRemoved(try r.id("id"), reason: try r.string("reason"), at: try r.t())
        case "attendee_erased": return .attendeeErased(try r.id("id"), at: try r.t())
        case "personal_data_expired": return .personalDataExpired(at: try r.t())
        case "session_started": return .sessionStarted(r.room(), try r.session(), at: try r.t())
        case "session_ended": return .sessionEnded(r.room(), try r.session(), at: try r.t())
        case "mingling_started":
            return .minglingStarted(r.room(), try r.session(), rounds: try r.int("rounds"), at: try r.t())
        case "mingling_missed": return .minglingMissed(r.room(), try r.session(), at: try r.t())
        case "round_started":
            let list = (o["breakouts"] as? [Any]) ?? []
            var bs: [Breakout] = []
            for b in list { bs.append(try breakout(b)) }
            return .roundStarted(r.room(), try r.session(), round: try r.int("round"), startedAt: try r.time("startedAt"),
                                 endsAt: try r.time("endsAt"), breakouts: bs, unplaced: try r.ids("unplaced"),
                                 quality: try quality(o["quality"]))
        case "breakout_formed": return .breakoutFormed(try breakout(o["breakout"] as Any))
        case "round_ending_soon":
            return .roundEndingSoon(r.room(), try r.session(), round: try r.int("round"), endsAt: try r.time("endsAt"))
        case "round_extended":
            return .roundExtended(r.room(), try r.session(), round: try r.int("round"), endsAt: try r.time("endsAt"))
        case "round_ended": return .roundEnded(r.room(), try r.session(), round: try r.int("round"), at: try r.t())
        case "mingling_ended": return .minglingEnded(r.room(), try r.session(), at: try r.t())
        case "attendee_waiting": return .attendeeWaiting(try r.id("id"), eligibleAt: try r.time("eligibleAt"))
        case "left_breakout":
            guard let reason = LeaveReason(rawValue: try r.string("reason")) else { throw DecodeError(description: "bad reason") }
            return .leftBreakout(try r.id("id"), BreakoutID(UInt64(try r.int("breakout"))), reason: reason)
        case "breakout_closed":
            guard let reason = BreakoutCloseReason(rawValue: try r.string("reason")) else { throw DecodeError(description: "bad reason") }
            return .breakoutClosed(BreakoutID(UInt64(try r.int("breakout"))), reason: reason, returnedToLobby: try r.ids("returned"))
        case "stay_in_touch_requested": return .stayInTouchRequested(from: try r.id("from"), to: try r.id("to"))
        case "stay_in_touch_withdrawn": return .stayInTouchWithdrawn(from: try r.id("from"), to: try r.id("to"))
        case "contacts_exchanged":
            return .contactsExchanged(first: try r.id("first"), second: try r.id("second"),
                                      firstCard: card(o["firstCard"]), secondCard: card(o["secondCard"]))
        case "attendee_reported":
            return .attendeeReported(from: try r.id("from"), about: try r.id("about"), reason: try r.string("reason"), at: try r.t())
        case "feedback_given":
            guard let answer = FeedbackAnswer(rawValue: try r.string("answer")) else { throw DecodeError(description: "bad answer") }
            return .feedbackGiven(try r.id("id"), BreakoutID(UInt64(try r.int("breakout"))), answer: answer, room: r.room(),
                                  session: try r.session(), round: try r.int("round"), at: try r.t())
        case "attendee_blocked": return .attendeeBlocked(from: try r.id("from"), whom: try r.id("whom"), at: try r.t())
        case "joining_paused": return .joiningPaused(at: try r.t())
        case "joining_resumed": return .joiningResumed(at: try r.t())
        case "plan_replaced", "chat_delivered", "signal_relayed", "admin_action", "journal_resumed": return nil
        default: throw DecodeError(description: "unknown event \"\(name)\"")
        }
    }

    private struct Reader {
        let o: [String: Any]
        func int(_ k: String) throws(DecodeError) -> Int {
            guard let n = o[k] as? NSNumber else { throw DecodeError(description: "missing \"\(k)\"") }
            return n.intValue
        }
        func id(_ k: String) throws(DecodeError) -> AttendeeID { AttendeeID(UInt32(clamping: try int(k))) }
        func time(_ k: String) throws(DecodeError) -> Timestamp {
            guard let n = o[k] as? NSNumber else { throw DecodeError(description: "missing \"\(k)\"") }
            return Timestamp(millisecondsSinceEpoch: n.int64Value)
        }
        func t() throws(DecodeError) -> Timestamp { try time("t") }
        func string(_ k: String) throws(DecodeError) -> String {
            guard let s = o[k] as? String else { throw DecodeError(description: "missing \"\(k)\"") }
            return s
        }
        /// Lines written before rooms existed have no room: the event's single room.
        func room() -> RoomID { (o["room"] as? String).map { RoomID($0) } ?? .single }
        func session() throws(DecodeError) -> SessionID { SessionID(try string("session")) }
        func ids(_ k: String) throws(DecodeError) -> [AttendeeID] {
            guard let a = o[k] as? [NSNumber] else { throw DecodeError(description: "missing \"\(k)\"") }
            return a.map { AttendeeID(UInt32(clamping: $0.intValue)) }
        }
    }

    /// A round's quality; absent (lines written before it was reported) is none.
    static func quality(_ any: Any?) throws(DecodeError) -> [RuleQuality] {
        guard let any else { return [] }
        guard let list = any as? [[String: Any]] else { throw DecodeError(description: "bad quality") }
        var quality: [RuleQuality] = []
        for o in list {
            let r = Reader(o: o)
            guard let policy = PairingPolicy(rawValue: try r.string("policy")) else { throw DecodeError(description: "bad policy") }
            quality.append(RuleQuality(
                attribute: try r.string("attribute"), policy: policy, satisfied: try r.int("satisfied"),
                groups: try r.int("groups"), best: try r.int("best"), alone: (o["alone"] as? NSNumber)?.intValue))
        }
        return quality
    }

    static func feedback(_ any: Any?) -> FeedbackCounts {
        let o = any as? [String: Any] ?? [:]
        var counts = FeedbackCounts()
        for answer in FeedbackAnswer.allCases { counts[answer] = (o[answer.rawValue] as? NSNumber)?.intValue ?? 0 }
        return counts
    }

    static func feedbackByRound(_ any: Any?) throws(DecodeError) -> [RoundFeedback] {
        guard let any else { return [] }
        guard let list = any as? [[String: Any]] else { throw DecodeError(description: "bad feedbackByRound") }
        var rounds: [RoundFeedback] = []
        for o in list {
            let r = Reader(o: o)
            rounds.append(RoundFeedback(session: try r.session(), round: try r.int("round"), counts: feedback(o)))
        }
        return rounds
    }

    static func breakout(_ any: Any) throws(DecodeError) -> Breakout {
        guard let o = any as? [String: Any] else { throw DecodeError(description: "bad breakout") }
        let r = Reader(o: o)
        return Breakout(id: BreakoutID(UInt64(try r.int("id"))), room: r.room(), members: try r.ids("members"),
                        prompt: o["prompt"] as? String, endsAt: try r.time("endsAt"))
    }

    static func profile(_ any: Any?) throws(DecodeError) -> Profile {
        guard let o = any as? [String: Any], let name = o["name"] as? String else { throw DecodeError(description: "bad profile") }
        var attributes: [String: [String]] = [:]
        for (k, v) in (o["attributes"] as? [String: Any]) ?? [:] {
            if let one = v as? String {
                attributes[k] = [one]
            } else if let many = v as? [String] {
                attributes[k] = many
            } else {
                throw DecodeError(description: "bad attribute \"\(k)\"")
            }
        }
        return Profile(displayName: name, attributes: attributes, organisation: o["organisation"] as? String,
                       contactCard: o["card"].map { card($0) })
    }

    static func card(_ any: Any?) -> ContactCard {
        let o = any as? [String: Any] ?? [:]
        return ContactCard(name: o["name"] as? String, organisation: o["organisation"] as? String,
                           email: o["email"] as? String, link: o["link"] as? String)
    }
}
