import Mingling

extension MinglingHub {
    func handle(_ message: ClientMessage, from link: AttendeeLink, now: Timestamp) {
        let request = message.type
        switch message {
        case .join(let profile, let accessCode):
            guard attendeeByLink[link] == nil else {
                enqueue(link, .text(ServerMessage.error(ProtocolError(code: "already_joined", message: "this connection already joined", request: request)), droppable: false))
                return
            }
            let events: [DomainEvent]
            do {
                events = try engine.handle(.register(profile, accessCode: accessCode), now: now, random: &random)
            } catch {
                enqueue(link, .text(ServerMessage.error(error, request: request), droppable: false))
                return
            }
            guard case .attendeeRegistered(let id, _, _)? = events.first(where: {
                if case .attendeeRegistered = $0 { return true } else { return false }
            }) else {
                log.error("join_without_registration", [:])
                enqueue(link, .text(ServerMessage.error(ProtocolError(code: "internal", message: "registration failed", request: request)), droppable: false))
                return
            }
            bind(id, to: link, now: now)
            journal(events, now: now)
            enqueue(link, .text(welcome(id, now: now), droppable: false))
            route(events, now: now)
            presenceDirty = true

        case .resume(let token):
            guard attendeeByLink[link] == nil else {
                enqueue(link, .text(ServerMessage.error(ProtocolError(code: "already_joined", message: "this connection already joined", request: request)), droppable: false))
                return
            }
            guard let id = tokens.verify(token), let state = engine.attendee(id), !state.removed else {
                enqueue(link, .text(ServerMessage.error(ProtocolError(code: "resume_invalid", message: "unknown or expired token", request: request)), droppable: false))
                return
            }
            if let old = links[id], old != link {
                // The same attendee in another tab or an old socket: the newest one wins.
                attendeeByLink[old] = nil
                enqueue(old, .close(code: .continuedElsewhere, reason: "continued in another window"))
                links[id] = nil
                record((try? engine.handle(.disconnect(id), now: now, random: &random)) ?? [], now: now)
            }
            let events: [DomainEvent]
            do {
                events = try engine.handle(.connect(id), now: now, random: &random)
            } catch {
                enqueue(link, .text(ServerMessage.error(ProtocolError(code: "resume_invalid", message: error.description, request: request)), droppable: false))
                return
            }
            bind(id, to: link, now: now)
            journal(events, now: now)
            enqueue(link, .text(welcome(id, now: now), droppable: false))
            route(events, now: now)
            presenceDirty = true

        default:
            guard let id = attendeeByLink[link] else {
                enqueue(link, .text(ServerMessage.error(ProtocolError(code: "not_joined", message: "join or resume first", request: request)), droppable: false))
                return
            }
            guard let command = command(for: message, from: id) else { return }
            run(command, now: now, replyTo: link, request: request)
        }
    }

    private func command(for message: ClientMessage, from id: AttendeeID) -> Command? {
        switch message {
        case .chat(let text): .sendChat(from: id, text: text)
        case .signal(let to, let kind, let payload): .signal(from: id, to: to, kind: kind, payload: payload)
        case .stayInTouch(let other): .stayInTouch(from: id, with: other)
        case .withdrawStayInTouch(let other): .withdrawStayInTouch(from: id, with: other)
        case .leaveBreakout: .leaveBreakout(id)
        case .report(let about, let reason): .report(from: id, about: about, reason: reason)
        case .block(let whom): .block(from: id, whom: whom)
        case .join, .resume, .sync: nil
        }
    }

    private func bind(_ id: AttendeeID, to link: AttendeeLink, now: Timestamp) {
        for timer in busyTimers { timer.poke() }
        links[id] = link
        attendeeByLink[link] = id
        enqueue(link, .bind(id))
    }

    func welcome(_ id: AttendeeID, now: Timestamp) -> [UInt8] {
        let state = engine.attendee(id)!
        return JSONWriter.message("welcome") { w in
            w.key("attendee"); ServerMessage.attendee(&w, id, state.profile)
            w.field("resumeToken", tokens.issue(for: id, at: now))
            w.field("serverTime", now.millisecondsSinceEpoch)
            w.key("event"); ServerMessage.event(&w, engine.plan)
            w.key("phase"); w.beginObject(); ServerMessage.phaseFields(&w, engine); w.endObject()
            w.key("breakout")
            if let b = engine.breakout(of: id) {
                w.beginObject(); ServerMessage.breakoutFields(&w, b, engine); w.endObject()
            } else {
                w.null()
            }
            w.key("contacts")
            w.beginArray()
            for other in contacts[id] ?? [] {
                if let o = engine.attendee(other) {
                    ServerMessage.contactCard(&w, other, o.profile.contactCard, fallbackName: o.profile.displayName)
                }
            }
            w.endArray()
            w.key("stayInTouch")
            w.beginArray()
            for other in (requested[id] ?? []).sorted() { w.int(Int(other.rawValue)) }
            w.endArray()
            w.key("privacy")
            w.beginObject()
            w.field("retentionDays", engine.plan.privacy.retentionDays)
            w.field("ipLogging", engine.plan.privacy.ipLogging.rawValue)
            w.endObject()
        }
    }
}
