import Mingling

/// Who hears about each domain event, and in which message (see ClientProtocol/README.md).
extension MinglingHub {
    func route(_ events: [DomainEvent], now: Timestamp) {
        var phaseChanged = false
        for event in events {
            switch event {
            case .attendeeRegistered, .attendeeConnected:
                presenceDirty = true
            case .attendeeDisconnected(let id, _, let grace):
                presenceDirty = true
                toPartners(of: id, JSONWriter.message("partner_reconnecting") { w in
                    w.field("attendee", Int(id.rawValue)); w.field("graceEndsAt", grace.millisecondsSinceEpoch)
                })
            case .attendeeResumed(let id, _, _):
                presenceDirty = true
                toPartners(of: id, JSONWriter.message("partner_back") { $0.field("attendee", Int(id.rawValue)) })
            case .attendeeDropped:
                presenceDirty = true
            case .attendeeRemoved(let id, let reason, _):
                presenceDirty = true
                if let link = links[id] {
                    enqueue(link, .text(JSONWriter.message("removed") { $0.field("reason", reason) }, droppable: false))
                    enqueue(link, .close(code: .removedByOrganisers, reason: "removed by the organisers"))
                    links[id] = nil
                    attendeeByLink[link] = nil
                }
            case .sessionStarted, .sessionEnded, .minglingStarted, .minglingEnded, .joiningPaused, .joiningResumed:
                phaseChanged = true
            case .roundStarted(let session, let round, let startedAt, let endsAt, let breakouts, let unplaced):
                phaseChanged = true
                metThisRound = [:]
                let rounds = engine.plan.session(session)?.mingle?.rounds ?? round
                let warning = engine.plan.session(session)?.mingle?.warningSeconds ?? 0
                broadcast(JSONWriter.message("round_started") { w in
                    w.field("session", session.rawValue); w.field("round", round); w.field("rounds", rounds)
                    w.field("startedAt", startedAt.millisecondsSinceEpoch); w.field("endsAt", endsAt.millisecondsSinceEpoch)
                    w.field("warningSeconds", warning)
                })
                for b in breakouts { placed(b) }
                let none = JSONWriter.message("unplaced")
                for id in unplaced { send(id, none) }
            case .breakoutFormed(let b):
                placed(b)
            case .roundEndingSoon(_, _, let endsAt):
                broadcast(JSONWriter.message("round_ending_soon") { $0.field("endsAt", endsAt.millisecondsSinceEpoch) })
            case .roundExtended(_, _, let endsAt):
                phaseChanged = true
                broadcast(JSONWriter.message("round_extended") { $0.field("endsAt", endsAt.millisecondsSinceEpoch) })
            case .roundEnded(_, let round, _):
                phaseChanged = true
                breakoutMembers = [:]
                for (id, link) in links {
                    let met = (metThisRound[id] ?? []).sorted()
                    enqueue(link, .text(JSONWriter.message("round_ended") { w in
                        w.field("round", round)
                        w.key("met"); w.beginArray()
                        for m in met { if let a = engine.attendee(m) { ServerMessage.attendee(&w, m, a.profile) } }
                        w.endArray()
                    }, droppable: false))
                }
                metThisRound = [:]
                presenceDirty = true
            case .attendeeWaiting(let id, let eligibleAt):
                send(id, JSONWriter.message("waiting") { $0.field("eligibleAt", eligibleAt.millisecondsSinceEpoch) })
                presenceDirty = true
            case .leftBreakout(let id, let b, let reason):
                presenceDirty = true
                let message = JSONWriter.message("partner_left") { w in
                    w.field("attendee", Int(id.rawValue)); w.field("reason", reason.rawValue)
                }
                let before = breakoutMembers[b] ?? []
                breakoutMembers[b] = before.filter { $0 != id }
                for m in before where m != id { send(m, message) }
                send(id, JSONWriter.message("left_breakout") { w in
                    w.field("breakout", Int64(b.rawValue)); w.field("reason", reason.rawValue)
                })
            case .breakoutClosed(let b, let reason, let returned):
                breakoutMembers[b] = nil
                let message = JSONWriter.message("breakout_closed") { $0.field("reason", reason.rawValue) }
                for id in returned { send(id, message) }
            case .chatDelivered(_, let from, let text, let recipients, let at):
                let name = engine.attendee(from)?.profile.displayName ?? ""
                let message = JSONWriter.message("chat") { w in
                    w.field("from", Int(from.rawValue)); w.field("name", name); w.field("text", text)
                    w.field("at", at.millisecondsSinceEpoch)
                }
                var all = Set(recipients)
                all.insert(from)
                for id in all { send(id, message) }
            case .signalRelayed(let from, let to, let kind, let payload):
                send(to, JSONWriter.message("signal") { w in
                    w.field("from", Int(from.rawValue)); w.field("kind", kind.rawValue); w.field("payload", payload)
                })
            case .stayInTouchRequested(let from, let to):
                requested[from, default: []].insert(to)
                send(from, JSONWriter.message("stay_in_touch_pending") { $0.field("with", Int(to.rawValue)) })
            case .stayInTouchWithdrawn(let from, let to):
                requested[from]?.remove(to)
                send(from, JSONWriter.message("stay_in_touch_withdrawn") { $0.field("with", Int(to.rawValue)) })
            case .contactsExchanged(let first, let second, let firstCard, let secondCard):
                indexContacts(event)
                let firstName = engine.attendee(first)?.profile.displayName ?? ""
                let secondName = engine.attendee(second)?.profile.displayName ?? ""
                send(first, JSONWriter.message("contact") { w in
                    w.key("card"); ServerMessage.contactCard(&w, second, secondCard, fallbackName: secondName)
                })
                send(second, JSONWriter.message("contact") { w in
                    w.key("card"); ServerMessage.contactCard(&w, first, firstCard, fallbackName: firstName)
                })
            case .attendeeReported(let from, let about, _, _):
                log.info("attendee_reported", ["from": "\(from)", "about": "\(about)"])
            case .planReplaced(let plan):
                greeting?.update(plan)
                phaseChanged = true
            case .attendeeBlocked:
                break
            }
        }
        if phaseChanged { broadcast(ServerMessage.phase(engine)) }
    }

    private func placed(_ b: Breakout) {
        presenceDirty = true
        breakoutMembers[b.id] = b.members
        let message = ServerMessage.breakout(b, engine)
        for m in b.members {
            metThisRound[m, default: []].formUnion(b.members.filter { $0 != m })
            send(m, message)
        }
    }

    private func toPartners(of id: AttendeeID, _ message: [UInt8]) {
        guard let b = engine.breakout(of: id) else { return }
        for m in b.members where m != id { send(m, message) }
    }

    /// Connected attendees by attribute, sent about every 2 s when something changed.
    func presenceTick() {
        guard presenceDirty else { return }
        presenceDirty = false
        var total = 0
        var inBreakouts = 0
        var byAttribute: [String: [String: Int]] = [:]
        for a in engine.allAttendees where a.connection == .connected && !a.removed {
            total += 1
            if a.breakout != nil { inBreakouts += 1 }
            for (k, v) in a.profile.attributes { byAttribute[k, default: [:]][v, default: 0] += 1 }
        }
        let bytes = ServerMessage.presence(total: total, byAttribute: byAttribute, inBreakouts: inBreakouts,
                                           waiting: engine.waitingAttendees.count)
        guard bytes != lastPresence else { return }
        lastPresence = bytes
        broadcast(bytes, droppable: true)
        flushOutgoing()
    }
}
