import Mingling

extension MinglingHub {
    func handle(_ message: ClientMessage, from link: AttendeeLink, now: Timestamp) {
        let request = message.type
        switch message {
        case .join(let profile, let accessCode, let room):
            guard attendeeByLink[link] == nil else { return refuse(link, .alreadyJoined, "this connection already joined", request) }
            let output: EngineOutput
            do {
                output = try engine.handle(.register(profile, accessCode: accessCode, room: room), now: now)
            } catch {
                enqueue(link, .text(ServerMessage.error(error, request: request), droppable: false))
                return
            }
            guard case .attendeeRegistered(let id, _, _)? = output.events.first else {
                log.error("join_without_registration", [:])
                return refuse(link, .internalError, "registration failed", request)
            }
            guard persist(output.events, now: now) else { return refuse(link, .unavailable, Durability.refusal, request) }
            bind(id, to: link)
            greet(id, link: link, now: now)
            deliver(output.notices)

        case .resume(let token):
            guard attendeeByLink[link] == nil else { return refuse(link, .alreadyJoined, "this connection already joined", request) }
            let id: AttendeeID
            switch tokens.verify(token, now: now, validUntil: resumeTokensValidUntil) {
            case .valid(let named): id = named
            case .expired: return refuse(link, .resumeInvalid, "the token expired: the event is over", request)
            case .invalid: return refuse(link, .resumeInvalid, "not a token of this server", request)
            }
            guard let state = engine.attendee(id), !state.removed else {
                return refuse(link, .resumeInvalid, "the attendee was removed or deleted", request)
            }
            if let old = links[id], old != link {
                // The same attendee in another tab or an old socket: the newest one wins.
                attendeeByLink[old] = nil
                enqueue(old, .close(code: .continuedElsewhere, reason: "continued in another window"))
                links[id] = nil
                if let output = try? engine.handle(.disconnect(id), now: now), !commit(output, now: now) {
                    return refuse(link, .unavailable, Durability.refusal, request)
                }
            }
            let output: EngineOutput
            do {
                output = try engine.handle(.connect(id), now: now)
            } catch {
                return refuse(link, .resumeInvalid, error.description, request)
            }
            guard persist(output.events, now: now) else { return refuse(link, .unavailable, Durability.refusal, request) }
            bind(id, to: link)
            greet(id, link: link, now: now)
            deliver(output.notices)

        default:
            guard let id = attendeeByLink[link] else { return refuse(link, .notJoined, "join or resume first", request) }
            if case .exportMyData = message {
                return enqueue(link, .text(myData(id), droppable: false))
            }
            if case .callReport(let report) = message {
                return recordCall(report, from: id, link: link, now: now)
            }
            guard let command = command(for: message, from: id) else { return }
            run(command, now: now, replyTo: link, request: request)
        }
    }


    private func command(for message: ClientMessage, from id: AttendeeID) -> Command? {
        switch message {
        case .enterRoom(let room): .enterRoom(id, room)
        case .chat(let text): .sendChat(from: id, text: text)
        case .signal(let to, let kind, let payload): .signal(from: id, to: to, kind: kind, payload: payload)
        case .stayInTouch(let other): .stayInTouch(from: id, with: other)
        case .withdrawStayInTouch(let other): .withdrawStayInTouch(from: id, with: other)
        case .leaveBreakout: .leaveBreakout(id)
        case .report(let about, let reason): .report(from: id, about: about, reason: reason)
        case .block(let whom): .block(from: id, whom: whom)
        case .feedback(let breakout, let answer): .giveFeedback(from: id, breakout: breakout, answer: answer)
        case .deleteMe: .eraseAttendee(id)
        case .join, .resume, .sync, .exportMyData, .callReport: nil
        }
    }

    private func bind(_ id: AttendeeID, to link: AttendeeLink) {
        for timer in busyTimers { timer.poke() }
        links[id] = link
        attendeeByLink[link] = id
        enqueue(link, .bind(id, room: engine.attendee(id)?.room))
        presenceDirty = true
    }

    /// `welcome` (the answer to join/resume: everything the page shows, as the engine has it now), then the
    /// room list.
    private func greet(_ id: AttendeeID, link: AttendeeLink, now: Timestamp) {
        enqueue(link, .text(welcome(id, now: now), droppable: false))
        enqueue(link, .text(greetingRoomsMessage(now: now), droppable: false))
    }

    private func eventJSON() -> String {
        if let encodedEvent { return encodedEvent }
        var w = JSONWriter()
        ServerMessage.event(&w, engine.plan)
        encodedEvent = w.text
        return w.text
    }

    func welcome(_ id: AttendeeID, now: Timestamp) -> [UInt8] {
        let state = engine.attendee(id)!
        return JSONWriter.message("welcome") { w in
            w.key("attendee"); ServerMessage.attendee(&w, id, state.profile, engine.plan)
            w.field("resumeToken", tokens.issue(for: id, at: now))
            w.field("serverTime", now.millisecondsSinceEpoch)
            w.key("event"); w.raw(eventJSON())
            w.field("room", optional: state.room?.rawValue)
            w.key("phase"); w.beginObject(); ServerMessage.phaseFields(&w, of: id, engine); w.endObject()
            w.key("breakout")
            if let b = engine.breakout(of: id) {
                w.beginObject(); ServerMessage.breakoutFields(&w, b, engine); w.endObject()
            } else {
                w.null()
            }
            w.key("turn")
            if engine.breakout(of: id) != nil, let credential = issueTurnCredential(id, now: now) {
                ServerMessage.turn(&w, credential)
            } else {
                w.null()
            }
            w.key("contacts")
            w.beginArray()
            for received in engine.cards(receivedBy: id) { ServerMessage.contactCard(&w, received.from, received.card) }
            w.endArray()
            w.key("stayInTouch")
            w.beginArray()
            for other in engine.pendingRequests(from: id) { w.int(Int(other.rawValue)) }
            w.endArray()
            w.key("privacy")
            w.beginObject()
            w.field("retentionDays", engine.plan.privacy.retentionDays)
            w.field("ipLogging", engine.plan.privacy.ipLogging.rawValue)
            w.endObject()
        }
    }
}
