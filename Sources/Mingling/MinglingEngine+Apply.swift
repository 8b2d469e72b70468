extension MinglingEngine {
    /// The only place state changes. Pure in the event: no clock, no randomness, no validation (an event
    /// records a decision already made), so a journal replays to the same state.
    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .attendeeRegistered(let id, let profile, let at):
            precondition(Int(id.rawValue) == attendees.count + 1, "attendees are numbered in order")
            attendees.append(AttendeeState(
                id: id, profile: profile, registeredAt: at, connection: .connected, room: nil, breakout: nil,
                removed: false))
        case .attendeeEnteredRoom(let id, let room, _):
            if let old = attendees[index(id)].room {
                updateRoom(old) { state in
                    state.members.remove(id)
                    state.waiting.removeAll { $0.id == id }
                }
            }
            attendees[index(id)].room = room
            if let room { updateRoom(room) { $0.members.insert(id) } }
        case .attendeeConnected(let id, _):
            attendees[index(id)].connection = .connected
            dequeueGrace(id)
        case .attendeeDisconnected(let id, let at, let graceEndsAt):
            attendees[index(id)].connection = .reconnecting(since: at, graceEndsAt: graceEndsAt)
            removeFromWaiting(id)
            enqueueGrace(graceEndsAt, id)
        case .attendeeResumed(let id, _, _):
            attendees[index(id)].connection = .connected
            dequeueGrace(id)
            totals.reconnects += 1
        case .attendeeDropped(let id, _):
            attendees[index(id)].connection = .offline
            dequeueGrace(id)
        case .attendeeRemoved(let id, _, _):
            attendees[index(id)].removed = true
            attendees[index(id)].connection = .offline
            removeFromWaiting(id)
            dequeueGrace(id)
        case .attendeeErased(let id, _):
            removeFromWaiting(id)
            if let room = attendees[index(id)].room { updateRoom(room) { $0.members.remove(id) } }
            dequeueGrace(id)
            attendees[index(id)].profile = Profile(displayName: "")
            attendees[index(id)].room = nil
            attendees[index(id)].removed = true
            attendees[index(id)].erased = true
            attendees[index(id)].connection = .offline
            requests[id] = nil
            attendees[index(id)].endedBreakouts = []
            for from in requests.keys { removeRequest(from: from, to: id) }
            receivedCards[id] = nil
            // Their card goes from the server too: whoever received it has it on their own device.
            for receiver in receivedCards.keys { receivedCards[receiver]?.removeAll { $0.from == id } }
            reports.removeAll { $0.from == id }
        case .personalDataExpired:
            personalDataExpired = true
            for i in attendees.indices {
                attendees[i].profile.displayName = ""
                attendees[i].profile.organisation = nil
                attendees[i].profile.contactCard = nil
                attendees[i].erased = true
                attendees[i].endedBreakouts = []
            }
            requests = [:]
            receivedCards = [:]
            for i in reports.indices { reports[i].reason = "" }
        case .sessionStarted(let room, let session, _):
            startedSessions.insert(session)
            updateRoom(room) { state in if state.phase == .lobby { state.phase = .session(session) } }
        case .sessionEnded(let room, let session, _):
            startedSessions.insert(session)
            endedSessions.insert(session)
            updateRoom(room) { state in if state.phase == .session(session) { state.phase = .lobby } }
        case .minglingStarted(let room, let session, _, let at):
            mingledSessions.insert(session)
            let mingle = plan.session(session)?.mingle ?? MinglePlan()
            updateRoom(room) { state in
                state.phase = .mingling(MinglingState(
                    session: session, round: 0, plan: mingle, status: .between(nextStartsAt: at)))
            }
        case .minglingMissed(_, let session, _):
            missedSessions.insert(session)
        case .roundStarted(let room, let session, let round, let startedAt, let endsAt, let formed, let unplaced, let quality):
            closeAllBreakouts(in: room)
            let mingle = plan.session(session)?.mingle ?? minglingState(room)?.plan ?? MinglePlan()
            updateRoom(room) { state in
                state.phase = .mingling(MinglingState(
                    session: session, round: round, plan: mingle,
                    status: .running(startedAt: startedAt, endsAt: endsAt, warned: false)))
                state.roundMet = [:]
                state.totals.roundsRun += 1
                state.quality = quality
            }
            for breakout in formed { open(breakout) }
            // Whoever could not be placed waits, so the first late arrival is grouped with them.
            for id in unplaced where attendees[index(id)].connection == .connected {
                updateRoom(room) { $0.waiting.append(WaitingEntry(id: id, eligibleAt: startedAt)) }
            }
        case .breakoutFormed(let breakout):
            open(breakout)
        case .roundEndingSoon(let room, _, _, _):
            updateRunning(room) { status in
                if case .running(let startedAt, let endsAt, _) = status {
                    status = .running(startedAt: startedAt, endsAt: endsAt, warned: true)
                }
            }
        case .roundExtended(let room, _, _, let newEnd):
            updateRunning(room) { status in
                if case .running(let startedAt, _, _) = status {
                    status = .running(startedAt: startedAt, endsAt: newEnd, warned: false)
                }
            }
            for (id, breakout) in openBreakouts where breakout.room == room { openBreakouts[id]!.endsAt = newEnd }
        case .roundEnded(let room, _, _, let at):
            closeAllBreakouts(in: room)
            let nextStartsAt = at.adding(seconds: settings.pauseBetweenRoundsSeconds)
            updateRunning(room) { status in status = .between(nextStartsAt: nextStartsAt) }
        case .minglingEnded(let room, _, _):
            closeAllBreakouts(in: room)
            let running = plan.room(room)?.sessions.first {
                startedSessions.contains($0.id) && !endedSessions.contains($0.id)
            }
            updateRoom(room) { state in state.phase = running.map { .session($0.id) } ?? .lobby }
        case .attendeeWaiting(let id, let eligibleAt):
            guard let room = attendees[index(id)].room else { break }
            updateRoom(room) { state in
                state.waiting.removeAll { $0.id == id }
                state.waiting.append(WaitingEntry(id: id, eligibleAt: eligibleAt))
            }
        case .leftBreakout(let id, let breakoutID, _):
            attendees[index(id)].breakout = nil
            if let breakout = openBreakouts[breakoutID] { ended(breakout, for: id) }
            openBreakouts[breakoutID]?.members.removeAll { $0 == id }
        case .breakoutClosed(let breakoutID, _, _):
            for member in openBreakouts[breakoutID]?.members ?? [] {
                attendees[index(member)].breakout = nil
                ended(openBreakouts[breakoutID]!, for: member)
            }
            openBreakouts[breakoutID] = nil
        case .chatDelivered, .signalRelayed:
            break
        case .stayInTouchRequested(let from, let to):
            requests[from, default: []].insert(to)
        case .stayInTouchWithdrawn(let from, let to):
            removeRequest(from: from, to: to)
        case .contactsExchanged(let first, let second, let firstCard, let secondCard):
            removeRequest(from: first, to: second)
            removeRequest(from: second, to: first)
            exchanged.insert(pairKey(first, second))
            receivedCards[first, default: []].append(ReceivedCard(from: second, card: secondCard))
            receivedCards[second, default: []].append(ReceivedCard(from: first, card: firstCard))
            totals.contactExchanges += 1
        case .attendeeReported(let from, let about, let reason, let at):
            reports.append(Report(from: from, about: about, reason: reason, at: at))
        case .attendeeBlocked(let from, let whom, _):
            blocked.insert(pairKey(from, whom))
        case .feedbackGiven(let id, let breakoutID, let answer, let room, let session, let round, _):
            if let position = attendees[index(id)].endedBreakouts.firstIndex(where: { $0.breakout == breakoutID }) {
                attendees[index(id)].endedBreakouts[position].answered = true
            }
            updateRoom(room) { state in
                state.totals.feedback[answer] += 1
                if let position = state.feedbackByRound.firstIndex(where: { $0.session == session && $0.round == round }) {
                    state.feedbackByRound[position].counts[answer] += 1
                } else {
                    var counts = FeedbackCounts()
                    counts[answer] = 1
                    state.feedbackByRound.append(RoundFeedback(session: session, round: round, counts: counts))
                }
            }
        case .joiningPaused:
            isJoiningPaused = true
        case .joiningResumed:
            isJoiningPaused = false
        case .planReplaced(let newPlan):
            adopt(newPlan)
        }
    }

    /// `breakout` has ended for `member` (they left, it closed, its round ended): they may say whether it was a
    /// good conversation. Only the last few are kept; the round is the room's current one.
    private mutating func ended(_ breakout: Breakout, for member: AttendeeID) {
        guard let mingling = minglingState(breakout.room) else { return }
        var ended = attendees[index(member)].endedBreakouts
        ended.append(EndedBreakout(breakout: breakout.id, room: breakout.room, session: mingling.session,
                                   round: mingling.round, endsAt: breakout.endsAt))
        if ended.count > MinglingEngine.feedbackMemory { ended.removeFirst(ended.count - MinglingEngine.feedbackMemory) }
        attendees[index(member)].endedBreakouts = ended
    }

    /// Changes one room's state, creating it for a room the plan no longer has (an old journal).
    mutating func updateRoom(_ id: RoomID, _ change: (inout RoomState) -> Void) {
        change(&roomStates[id, default: RoomState(id: id)])
    }

    private mutating func open(_ breakout: Breakout) {
        openBreakouts[breakout.id] = breakout
        nextBreakoutNumber = max(nextBreakoutNumber, breakout.id.rawValue + 1)
        let members = breakout.members
        for (position, member) in members.enumerated() {
            attendees[index(member)].breakout = breakout.id
            for other in members[(position + 1)...] { met.insert(pairKey(member, other)) }
        }
        let attribute = minglingState(breakout.room)?.plan.spanningAttribute ?? ""
        let values = Set(members.map { attendees[index($0)].profile.values(of: attribute).sorted() })
        updateRoom(breakout.room) { state in
            state.waiting.removeAll { entry in members.contains(entry.id) }
            for member in members { state.roundMet[member, default: []] += members.filter { $0 != member } }
            state.totals.breakoutsFormed += 1
            if values.count > 1 { state.totals.breakoutsSpanning += 1 }
        }
    }

    private mutating func closeAllBreakouts(in room: RoomID) {
        for (id, breakout) in openBreakouts where breakout.room == room {
            for member in breakout.members {
                attendees[index(member)].breakout = nil
                ended(breakout, for: member)
            }
            openBreakouts[id] = nil
        }
        updateRoom(room) { $0.waiting.removeAll() }
    }

    private mutating func updateRunning(_ room: RoomID, _ change: (inout RoundStatus) -> Void) {
        updateRoom(room) { state in
            guard case .mingling(var mingling) = state.phase else { return }
            change(&mingling.status)
            state.phase = .mingling(mingling)
        }
    }

    private mutating func removeFromWaiting(_ id: AttendeeID) {
        guard let room = attendees[index(id)].room else { return }
        updateRoom(room) { $0.waiting.removeAll { $0.id == id } }
    }

    private mutating func removeRequest(from: AttendeeID, to: AttendeeID) {
        requests[from]?.remove(to)
        if requests[from]?.isEmpty == true { requests[from] = nil }
    }

    private mutating func dequeueGrace(_ id: AttendeeID) {
        graceQueue.removeAll { $0.id == id }
    }

    /// Keeps `graceQueue` sorted; deadlines nearly always arrive in order, so this is an append.
    private mutating func enqueueGrace(_ deadline: Timestamp, _ id: AttendeeID) {
        var position = graceQueue.count
        while position > 0 && graceQueue[position - 1].deadline > deadline { position -= 1 }
        graceQueue.insert(GraceEntry(deadline: deadline, id: id), at: position)
    }
}
