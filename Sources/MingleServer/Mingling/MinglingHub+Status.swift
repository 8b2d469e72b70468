import Mingling

/// What admins see: a snapshot of the event, computed on the hub thread from the engine alone.
extension MinglingHub {
    func statusJSON(stats: ServerStats) -> String {
        let now = wallClock()
        var w = JSONWriter()
        w.beginObject()
        w.field("serverTime", now.millisecondsSinceEpoch)
        w.field("event", engine.plan.event.name)
        w.field("joiningPaused", engine.isJoiningPaused)
        w.field("personalDataDeleted", engine.personalDataExpired)
        w.key("journal"); w.beginObject()
        w.field("ok", durability.failure == nil)
        w.field("error", optional: durability.failure)
        if let since = durability.failedAt { w.field("failingSince", since.millisecondsSinceEpoch) }
        w.field("failures", durability.failures)
        w.endObject()
        let census = AttendeeCensus(engine)
        w.key("attendees"); w.beginObject()
        w.field("registered", engine.allAttendees.count)
        w.field("connected", census.connected)
        w.field("reconnecting", census.reconnecting)
        w.field("inNoRoom", census.inNoRoom)
        w.field("inLobby", census.inLobby)
        w.field("waiting", census.waiting)
        w.field("inBreakout", census.inBreakout)
        w.key("byAttribute"); ServerMessage.counts(&w, census.byAttribute)
        w.endObject()
        let summaries = RoomSummary.all(engine)
        w.key("rooms"); w.beginArray()
        for summary in summaries { roomStatus(&w, summary, now: now) }
        w.endArray()
        w.key("totals"); w.beginObject()
        let roomTotals = summaries.map(\.totals)
        w.field("roundsRun", roomTotals.reduce(0) { $0 + $1.roundsRun })
        w.field("breakoutsFormed", roomTotals.reduce(0) { $0 + $1.breakoutsFormed })
        w.field("pairsMet", engine.metPairCount)
        w.field("breakoutsSpanningRegions", roomTotals.reduce(0) { $0 + $1.breakoutsSpanning })
        w.key("feedback")
        JournalCodec.encodeFeedback(&w, roomTotals.reduce(FeedbackCounts()) { total, room in
            FeedbackCounts(yes: total.yes + room.feedback.yes, soSo: total.soSo + room.feedback.soSo, no: total.no + room.feedback.no)
        })
        w.field("contactExchanges", engine.totals.contactExchanges)
        w.field("reports", engine.reports.count)
        w.field("reconnects", engine.totals.reconnects)
        w.endObject()
        w.key("calls"); Self.callsJSON(&w, calls.tally())
        w.key("server"); w.beginObject()
        w.field("openConnections", stats.openConnections)
        w.field("messagesIn", stats.messagesIn.load(ordering: .relaxed))
        w.field("messagesOut", stats.messagesOut.load(ordering: .relaxed))
        w.field("tlsHandshakes", stats.tlsHandshakes.load(ordering: .relaxed))
        w.field("tlsHandshakeFailures", stats.tlsHandshakeFailures.load(ordering: .relaxed))
        liveServerFields(&w, stats: stats)
        w.endObject()
        liveFields(&w)
        w.endObject()
        return w.text
    }

    /// One room for the dashboard: phase, who is where, round n of m, time left, its breakouts and totals.
    func roomStatus(_ w: inout JSONWriter, _ summary: RoomSummary, now: Timestamp) {
        w.beginObject()
        summary.write(&w, now: now)
        w.field("connected", summary.connected)
        w.field("reconnecting", summary.reconnecting)
        w.field("inLobby", summary.inLobby)
        w.field("breakoutCount", summary.breakouts)
        if let left = summary.secondsLeft(now: now) { w.field("secondsLeft", left) } else { w.key("secondsLeft"); w.null() }
        let plan = summary.mingling?.plan ?? summary.nextMingling?.session.mingle
        w.key("pairBy")
        w.optionalString(plan?.pairBy)
        w.key("pairing"); w.beginArray()
        for rule in plan?.rules ?? [] {
            w.beginObject(); w.field("attribute", rule.attribute); w.field("policy", rule.policy.rawValue); w.endObject()
        }
        w.endArray()
        w.key("quality"); JournalCodec.encodeQuality(&w, engine.room(summary.room.id)?.quality ?? [])
        w.key("byAttribute"); ServerMessage.counts(&w, summary.byAttribute)
        w.key("breakouts"); w.beginArray()
        for b in engine.breakouts(in: summary.room.id) {
            w.beginObject()
            w.field("id", Int64(b.id.rawValue))
            w.field("members", b.members.count)
            w.field("endsAt", b.endsAt.millisecondsSinceEpoch)
            w.field("secondsLeft", max(0, now.milliseconds(until: b.endsAt) / 1000))
            w.endObject()
        }
        w.endArray()
        w.key("totals"); w.beginObject()
        w.field("roundsRun", summary.totals.roundsRun)
        w.field("breakoutsFormed", summary.totals.breakoutsFormed)
        w.field("breakoutsSpanning", summary.totals.breakoutsSpanning)
        w.key("feedback"); JournalCodec.encodeFeedback(&w, summary.totals.feedback)
        w.endObject()
        w.key("feedbackByRound"); JournalCodec.encodeFeedbackByRound(&w, engine.room(summary.room.id)?.feedbackByRound ?? [])
        w.key("calls"); Self.callsJSON(&w, calls.tally(room: summary.room.id))
        w.endObject()
    }

    /// `{"started", "connected", "relayed", "relayPercent", "failed", "dropped", "recovered", "medianConnectMs",
    /// "failures": {reason: count}}` (README.md, "Audio and video").
    static func callsJSON(_ w: inout JSONWriter, _ t: CallStats.Tally) {
        w.beginObject()
        w.field("started", t.started)
        w.field("connected", t.connected)
        w.field("relayed", t.relayed)
        if let p = t.relayPercent { w.field("relayPercent", p) } else { w.key("relayPercent"); w.null() }
        w.field("failed", t.failed)
        w.field("dropped", t.dropped)
        w.field("recovered", t.recoveries)
        if let m = t.medianConnectMilliseconds { w.field("medianConnectMs", m) } else { w.key("medianConnectMs"); w.null() }
        w.key("failures"); w.beginObject()
        for f in CallReport.Failure.allCases where t.failures[f] != nil { w.field(f.rawValue, t.failures[f] ?? 0) }
        w.endObject()
        w.endObject()
    }

    func reportsJSON() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("reports"); w.beginArray()
        for r in engine.reports {
            w.beginObject()
            w.field("from", Int(r.from.rawValue))
            w.field("fromName", engine.attendee(r.from)?.profile.displayName ?? "")
            w.field("about", Int(r.about.rawValue))
            w.field("aboutName", engine.attendee(r.about)?.profile.displayName ?? "")
            w.field("reason", r.reason)
            w.field("at", r.at.millisecondsSinceEpoch)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }
}

/// Who is here right now, counted once for the status API, /metrics and dashboard samples.
struct AttendeeCensus {
    var connected = 0
    var reconnecting = 0
    var inBreakout = 0
    var waiting = 0
    /// Present but in no room (in the event's lobby, choosing a room).
    var inNoRoom = 0
    /// Attendees present (connected or reconnecting) by attribute id and value id.
    var byAttribute: [String: [String: Int]] = [:]

    init(_ engine: MinglingEngine) {
        for a in engine.allAttendees where a.isPresent {
            if a.connection == .connected { connected += 1 } else { reconnecting += 1 }
            if a.breakout != nil { inBreakout += 1 }
            if a.room == nil { inNoRoom += 1 }
            for (k, values) in a.profile.attributes { for v in values { byAttribute[k, default: [:]][v, default: 0] += 1 } }
        }
        waiting = engine.waitingAttendees.count
    }

    /// Present, in a room, and neither in a breakout nor waiting for one.
    var inLobby: Int { max(0, connected + reconnecting - inBreakout - waiting - inNoRoom) }
}

extension MinglingHub {
    /// `GET /api/rooms`: every room as the dashboard's overview shows it.
    func roomsJSON() -> String {
        let now = wallClock()
        var w = JSONWriter()
        w.beginObject()
        w.field("serverTime", now.millisecondsSinceEpoch)
        w.key("rooms"); w.beginArray()
        for summary in RoomSummary.all(engine) { roomStatus(&w, summary, now: now) }
        w.endArray()
        w.endObject()
        return w.text
    }
}

extension MinglingHub {
    /// `my_data`: everything the server holds about the attendee (PersonalData), as JSON.
    func myData(_ id: AttendeeID) -> [UInt8] {
        JSONWriter.message("my_data") { w in
            w.field("exportedAt", wallClock().millisecondsSinceEpoch)
            w.key("data"); personalDataJSON(&w, id)
        }
    }

    /// `GET /api/attendees/<id>/export`.
    func exportJSON(_ id: AttendeeID) -> String? {
        guard engine.personalData(of: id) != nil else { return nil }
        var w = JSONWriter()
        personalDataJSON(&w, id)
        return w.text
    }

    private func personalDataJSON(_ w: inout JSONWriter, _ id: AttendeeID) {
        guard let d = engine.personalData(of: id) else { w.null(); return }
        w.beginObject()
        w.field("event", engine.plan.event.name)
        w.key("attendee"); ServerMessage.attendee(&w, id, d.profile, engine.plan)
        w.key("contactCard")
        if let card = d.profile.contactCard { ServerMessage.contactCard(&w, id, card) } else { w.null() }
        w.field("registeredAt", d.registeredAt.millisecondsSinceEpoch)
        w.field("room", optional: d.room?.rawValue)
        w.field("removed", d.removed)
        w.key("met"); w.beginArray()
        for (other, name) in d.met { w.beginObject(); w.field("id", Int(other.rawValue)); w.field("name", name); w.endObject() }
        w.endArray()
        w.key("cardsReceived"); w.beginArray()
        for r in d.cardsReceived { ServerMessage.contactCard(&w, r.from, r.card) }
        w.endArray()
        w.key("cardGivenTo"); w.beginArray(); for other in d.cardGivenTo { w.int(Int(other.rawValue)) }; w.endArray()
        w.key("stayInTouchRequests"); w.beginArray(); for other in d.pendingRequests { w.int(Int(other.rawValue)) }; w.endArray()
        w.key("blocked"); w.beginArray(); for other in d.blocked { w.int(Int(other.rawValue)) }; w.endArray()
        w.key("reportsFiled"); w.beginArray()
        for r in d.reportsFiled {
            w.beginObject(); w.field("about", Int(r.about.rawValue)); w.field("reason", r.reason); w.field("at", r.at.millisecondsSinceEpoch); w.endObject()
        }
        w.endArray()
        w.field("retentionDays", engine.plan.privacy.retentionDays)
        w.endObject()
    }
}
