import Foundation
import Mingling

extension SnapshotCodec {
    typealias DecodeError = JournalCodec.DecodeError

    /// The snapshot in a journal's first line.
    static func decode(line: Substring) throws(DecodeError) -> EngineSnapshot {
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              o["e"] as? String == "snapshot", let state = o["state"] as? [String: Any] else {
            throw DecodeError(description: "not a snapshot line")
        }
        guard (o["version"] as? NSNumber)?.intValue == version else {
            throw DecodeError(description: "snapshot version \(o["version"] ?? "none"), this server reads \(version)")
        }
        return try decode(state: state)
    }

    /// The snapshot in a `"e":"snapshot"` line (its `state` object, already parsed).
    static func decode(state o: [String: Any]) throws(DecodeError) -> EngineSnapshot {
        func ints(_ any: Any?) throws(DecodeError) -> [Int] {
            guard let a = any as? [NSNumber] else { throw DecodeError(description: "snapshot: expected numbers") }
            return a.map(\.intValue)
        }
        func id(_ any: Any?) throws(DecodeError) -> AttendeeID {
            guard let n = any as? NSNumber else { throw DecodeError(description: "snapshot: expected an attendee id") }
            return AttendeeID(UInt32(clamping: n.intValue))
        }
        func time(_ any: Any?) throws(DecodeError) -> Timestamp {
            guard let n = any as? NSNumber else { throw DecodeError(description: "snapshot: expected a time") }
            return Timestamp(millisecondsSinceEpoch: n.int64Value)
        }
        func list(_ key: String, in object: [String: Any] = o) throws(DecodeError) -> [Any] {
            guard let a = object[key] as? [Any] else { throw DecodeError(description: "snapshot: missing \"\(key)\"") }
            return a
        }
        func pairs(_ key: String) throws(DecodeError) -> [EngineSnapshot.Pair] {
            var out: [EngineSnapshot.Pair] = []
            for item in try list(key) {
                let p = try ints(item)
                guard p.count == 2 else { throw DecodeError(description: "snapshot: \(key): expected pairs") }
                out.append(EngineSnapshot.Pair(AttendeeID(UInt32(clamping: p[0])), AttendeeID(UInt32(clamping: p[1]))))
            }
            return out
        }
        func sessions(_ key: String) throws(DecodeError) -> [SessionID] {
            guard let a = o[key] as? [String] else { throw DecodeError(description: "snapshot: missing \"\(key)\"") }
            return a.map { SessionID($0) }
        }
        var attendees: [AttendeeState] = []
        for item in try list("attendees") {
            guard let a = item as? [String: Any] else { throw DecodeError(description: "snapshot: bad attendee") }
            let connection: ConnectionState
            switch a["connection"] as? String {
            case "connected": connection = .connected
            case "offline": connection = .offline
            case "reconnecting": connection = .reconnecting(since: try time(a["since"]), graceEndsAt: try time(a["graceEndsAt"]))
            default: throw DecodeError(description: "snapshot: bad connection")
            }
            var ended: [EndedBreakout] = []
            for e in (a["endedBreakouts"] as? [[String: Any]]) ?? [] {
                guard let b = e["breakout"] as? NSNumber, let room = e["room"] as? String, let session = e["session"] as? String,
                      let round = e["round"] as? NSNumber else { throw DecodeError(description: "snapshot: bad endedBreakouts") }
                ended.append(EndedBreakout(breakout: BreakoutID(b.uint64Value), room: RoomID(room), session: SessionID(session),
                                           round: round.intValue, endsAt: try time(e["endsAt"]), answered: e["answered"] as? Bool ?? false))
            }
            attendees.append(AttendeeState(
                id: try id(a["id"]), profile: try JournalCodec.profile(a["profile"]), registeredAt: try time(a["registeredAt"]),
                connection: connection, room: (a["room"] as? String).map { RoomID($0) },
                breakout: (a["breakout"] as? NSNumber).map { BreakoutID($0.uint64Value) },
                removed: a["removed"] as? Bool ?? false, erased: a["erased"] as? Bool ?? false, endedBreakouts: ended))
        }
        var rooms: [EngineSnapshot.RoomSnapshot] = []
        for item in try list("rooms") {
            guard let r = item as? [String: Any], let roomID = r["id"] as? String else { throw DecodeError(description: "snapshot: bad room") }
            var waiting: [(AttendeeID, Timestamp)] = []
            for w in try list("waiting", in: r) {
                let pair = try ints(w)
                guard pair.count == 2 else { throw DecodeError(description: "snapshot: bad waiting entry") }
                waiting.append((AttendeeID(UInt32(clamping: pair[0])), Timestamp(millisecondsSinceEpoch: Int64(pair[1]))))
            }
            var roundMet: [(AttendeeID, [AttendeeID])] = []
            for m in try list("roundMet", in: r) {
                guard let entry = m as? [Any], entry.count == 2 else { throw DecodeError(description: "snapshot: bad roundMet") }
                roundMet.append((try id(entry[0]), try ints(entry[1]).map { AttendeeID(UInt32(clamping: $0)) }))
            }
            let t = r["totals"] as? [String: Any] ?? [:]
            var totals = RoomTotals()
            totals.roundsRun = (t["roundsRun"] as? NSNumber)?.intValue ?? 0
            totals.breakoutsFormed = (t["breakoutsFormed"] as? NSNumber)?.intValue ?? 0
            totals.breakoutsSpanning = (t["breakoutsSpanning"] as? NSNumber)?.intValue ?? 0
            totals.feedback = JournalCodec.feedback(t["feedback"])
            rooms.append(EngineSnapshot.RoomSnapshot(
                id: RoomID(roomID), phase: try phase(r["phase"]), waiting: waiting, roundMet: roundMet,
                members: try ints(r["members"]).map { AttendeeID(UInt32(clamping: $0)) }, totals: totals,
                quality: try JournalCodec.quality(r["quality"]), feedbackByRound: try JournalCodec.feedbackByRound(r["feedbackByRound"])))
        }
        var received: [EngineSnapshot.ReceivedCards] = []
        for item in try list("receivedCards") {
            guard let r = item as? [String: Any] else { throw DecodeError(description: "snapshot: bad receivedCards") }
            var cards: [ReceivedCard] = []
            for c in try list("cards", in: r) {
                guard let c = c as? [String: Any] else { throw DecodeError(description: "snapshot: bad card") }
                cards.append(ReceivedCard(from: try id(c["from"]), card: JournalCodec.card(c["card"])))
            }
            received.append(EngineSnapshot.ReceivedCards(receiver: try id(r["receiver"]), cards: cards))
        }
        var breakouts: [Breakout] = []
        for b in try list("openBreakouts") { breakouts.append(try JournalCodec.breakout(b)) }
        var grace: [EngineSnapshot.GraceDeadline] = []
        for g in try list("grace") {
            guard let entry = g as? [Any], entry.count == 2 else { throw DecodeError(description: "snapshot: bad grace") }
            grace.append(EngineSnapshot.GraceDeadline(deadline: try time(entry[0]), id: try id(entry[1])))
        }
        var reports: [Report] = []
        for item in try list("reports") {
            guard let r = item as? [String: Any] else { throw DecodeError(description: "snapshot: bad report") }
            reports.append(Report(from: try id(r["from"]), about: try id(r["about"]), reason: r["reason"] as? String ?? "", at: try time(r["at"])))
        }
        let t = o["totals"] as? [String: Any] ?? [:]
        var totals = EventTotals()
        totals.contactExchanges = (t["contactExchanges"] as? NSNumber)?.intValue ?? 0
        totals.reconnects = (t["reconnects"] as? NSNumber)?.intValue ?? 0
        guard let next = o["nextBreakoutNumber"] as? NSNumber else { throw DecodeError(description: "snapshot: missing nextBreakoutNumber") }
        return EngineSnapshot(
            attendees: attendees, rooms: rooms, met: try pairs("met"), blocked: try pairs("blocked"),
            requests: try pairs("requests"), exchanged: try pairs("exchanged"), receivedCards: received,
            openBreakouts: breakouts, nextBreakoutNumber: next.uint64Value, grace: grace,
            startedSessions: try sessions("startedSessions"), endedSessions: try sessions("endedSessions"),
            mingledSessions: try sessions("mingledSessions"), missedSessions: try sessions("missedSessions"),
            joiningPaused: o["joiningPaused"] as? Bool ?? false, personalDataExpired: o["personalDataExpired"] as? Bool ?? false,
            reports: reports, totals: totals)
    }

    private static func phase(_ any: Any?) throws(DecodeError) -> Phase {
        guard let p = any as? [String: Any], let kind = p["kind"] as? String else { throw DecodeError(description: "snapshot: bad phase") }
        switch kind {
        case "lobby": return .lobby
        case "session":
            guard let s = p["session"] as? String else { throw DecodeError(description: "snapshot: bad phase") }
            return .session(SessionID(s))
        case "mingling":
            guard let s = p["session"] as? String, let round = (p["round"] as? NSNumber)?.intValue,
                  let plan = p["plan"] as? [String: Any] else { throw DecodeError(description: "snapshot: bad mingling") }
            func int(_ k: String) -> Int { (plan[k] as? NSNumber)?.intValue ?? 0 }
            func ms(_ k: String) -> Timestamp { Timestamp(millisecondsSinceEpoch: (p[k] as? NSNumber)?.int64Value ?? 0) }
            // Snapshots written before plans had several rules name one: `pairBy` and `policy`.
            let rules = (plan["pairing"] as? [[String: Any]])?.map { rule in
                PairingRule(attribute: rule["attribute"] as? String ?? "",
                            policy: PairingPolicy(rawValue: rule["policy"] as? String ?? "") ?? .any)
            }
            let mingle = MinglePlan(
                rounds: int("rounds"), roundSeconds: int("roundSeconds"), groupSize: int("groupSize"),
                pairBy: plan["pairBy"] as? String ?? "", policy: PairingPolicy(rawValue: plan["policy"] as? String ?? "") ?? .mix,
                rules: rules,
                prompts: plan["prompts"] as? [String] ?? [], warningSeconds: int("warningSeconds"),
                start: MingleStart(rawValue: plan["start"] as? String ?? "") ?? .automatic,
                lateJoinWindowSeconds: int("lateJoinWindowSeconds"))
            let status: RoundStatus = p["status"] as? String == "running"
                ? .running(startedAt: ms("startedAt"), endsAt: ms("endsAt"), warned: p["warned"] as? Bool ?? false)
                : .between(nextStartsAt: ms("nextStartsAt"))
            return .mingling(MinglingState(session: SessionID(s), round: round, plan: mingle, status: status))
        default:
            throw DecodeError(description: "snapshot: unknown phase \(kind)")
        }
    }
}
