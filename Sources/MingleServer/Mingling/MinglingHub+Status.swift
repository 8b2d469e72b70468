import Mingling

/// What admins see: a snapshot of the event, computed on the hub thread.
extension MinglingHub {
    func statusJSON(stats: ServerStats) -> String {
        let now = wallClock()
        var w = JSONWriter()
        w.beginObject()
        w.field("serverTime", now.millisecondsSinceEpoch)
        w.field("event", engine.plan.event.name)
        w.key("phase"); w.beginObject(); ServerMessage.phaseFields(&w, engine); w.endObject()
        let census = AttendeeCensus(engine)
        let (connected, reconnecting, inBreakout, waiting, byAttribute) =
            (census.connected, census.reconnecting, census.inBreakout, census.waiting, census.byAttribute)
        w.key("attendees"); w.beginObject()
        w.field("registered", engine.allAttendees.count)
        w.field("connected", connected)
        w.field("reconnecting", reconnecting)
        w.field("inLobby", max(0, connected + reconnecting - inBreakout - waiting))
        w.field("waiting", waiting)
        w.field("inBreakout", inBreakout)
        w.key("byAttribute"); w.beginObject()
        for (k, counts) in byAttribute.sorted(by: { $0.key < $1.key }) {
            w.key(k); w.beginObject()
            for (v, n) in counts.sorted(by: { $0.key < $1.key }) { w.field(v, n) }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        w.key("breakouts"); w.beginArray()
        for b in engine.breakouts {
            w.beginObject()
            w.field("id", Int64(b.id.rawValue))
            w.field("members", b.members.count)
            w.field("secondsLeft", max(0, now.milliseconds(until: b.endsAt) / 1000))
            w.endObject()
        }
        w.endArray()
        w.key("totals"); w.beginObject()
        w.field("roundsRun", counters.roundsRun)
        w.field("breakoutsFormed", counters.breakoutsFormed)
        w.field("pairsMet", engine.metPairCount)
        w.field("breakoutsSpanningRegions", counters.breakoutsSpanning)
        w.field("contactExchanges", counters.contactExchanges)
        w.field("reports", engine.reports.count)
        w.field("reconnects", counters.reconnects)
        w.endObject()
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

/// Who is here right now, counted once for the status API, /metrics, dashboard samples and presence.
struct AttendeeCensus {
    var connected = 0
    var reconnecting = 0
    var inBreakout = 0
    var waiting = 0
    /// Attendees present (connected or reconnecting) by attribute id and value id.
    var byAttribute: [String: [String: Int]] = [:]

    init(_ engine: MinglingEngine) {
        for a in engine.allAttendees where !a.removed {
            switch a.connection {
            case .connected: connected += 1
            case .reconnecting: reconnecting += 1
            case .offline: continue
            }
            if a.breakout != nil { inBreakout += 1 }
            for (k, v) in a.profile.attributes { byAttribute[k, default: [:]][v, default: 0] += 1 }
        }
        waiting = engine.waitingAttendees.count
    }

    var inLobby: Int { max(0, connected + reconnecting - inBreakout - waiting) }
}

/// Running totals for the dashboard (rebuilt from the journal on replay).
struct HubCounters {
    var roundsRun = 0
    var breakoutsFormed = 0
    /// Breakouts whose members span more than one value of the session's pairing attribute.
    var breakoutsSpanning = 0
    var contactExchanges = 0
    var reconnects = 0

    mutating func note(_ event: DomainEvent, engine: MinglingEngine) {
        switch event {
        case .roundStarted(_, _, _, _, let breakouts, _):
            roundsRun += 1
            for b in breakouts { noteBreakout(b, engine: engine) }
        case .breakoutFormed(let b): noteBreakout(b, engine: engine)
        case .contactsExchanged: contactExchanges += 1
        case .attendeeResumed: reconnects += 1
        default: break
        }
    }

    private mutating func noteBreakout(_ b: Breakout, engine: MinglingEngine) {
        breakoutsFormed += 1
        let key: String
        if case .mingling(let m) = engine.phase { key = m.plan.pairBy } else { key = "region" }
        let values = Set(b.members.compactMap { engine.attendee($0)?.profile.attributes[key] })
        if values.count > 1 { breakoutsSpanning += 1 }
    }
}
