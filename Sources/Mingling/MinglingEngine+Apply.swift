extension MinglingEngine {
    /// The only place state changes. Pure in the event: no clock, no randomness, no validation (an event
    /// records a decision already made), so a journal replays to the same state.
    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .attendeeRegistered(let id, let profile, let at):
            precondition(Int(id.rawValue) == attendees.count + 1, "attendees are numbered in order")
            attendees.append(AttendeeState(
                id: id, profile: profile, registeredAt: at, connection: .connected, breakout: nil, removed: false))
        case .attendeeConnected(let id, _):
            attendees[index(id)].connection = .connected
            dequeueGrace(id)
        case .attendeeDisconnected(let id, let at, let graceEndsAt):
            attendees[index(id)].connection = .reconnecting(since: at, graceEndsAt: graceEndsAt)
            waiting.removeAll { $0.id == id }
            enqueueGrace(graceEndsAt, id)
        case .attendeeResumed(let id, _, _):
            attendees[index(id)].connection = .connected
            dequeueGrace(id)
        case .attendeeDropped(let id, _):
            attendees[index(id)].connection = .offline
            dequeueGrace(id)
        case .attendeeRemoved(let id, _, _):
            attendees[index(id)].removed = true
            attendees[index(id)].connection = .offline
            waiting.removeAll { $0.id == id }
            dequeueGrace(id)
        case .sessionStarted(let session, _):
            startedSessions.insert(session)
            if phase == .lobby { phase = .session(session) }
        case .sessionEnded(let session, _):
            startedSessions.insert(session)
            endedSessions.insert(session)
            if phase == .session(session) { phase = .lobby }
        case .minglingStarted(let session, _, let at):
            mingledSessions.insert(session)
            let mingle = plan.session(session)?.mingle ?? MinglePlan()
            phase = .mingling(MinglingState(session: session, round: 0, plan: mingle, status: .between(nextStartsAt: at)))
        case .roundStarted(let session, let round, let startedAt, let endsAt, let formed, let unplaced):
            closeAllBreakouts()
            let mingle = plan.session(session)?.mingle ?? currentMinglePlan ?? MinglePlan()
            phase = .mingling(MinglingState(
                session: session, round: round, plan: mingle,
                status: .running(startedAt: startedAt, endsAt: endsAt, warned: false)))
            for breakout in formed { open(breakout) }
            // Whoever could not be placed waits, so the first late arrival is grouped with them.
            for id in unplaced where attendees[index(id)].connection == .connected { waiting.append((id, startedAt)) }
        case .breakoutFormed(let breakout):
            open(breakout)
        case .roundEndingSoon:
            updateRunning { status in
                if case .running(let startedAt, let endsAt, _) = status {
                    status = .running(startedAt: startedAt, endsAt: endsAt, warned: true)
                }
            }
        case .roundExtended(_, _, let newEnd):
            updateRunning { status in
                if case .running(let startedAt, _, _) = status {
                    status = .running(startedAt: startedAt, endsAt: newEnd, warned: false)
                }
            }
            for id in openBreakouts.keys { openBreakouts[id]!.endsAt = newEnd }
        case .roundEnded(_, _, let at):
            closeAllBreakouts()
            let nextStartsAt = at.adding(seconds: settings.pauseBetweenRoundsSeconds)
            updateRunning { status in status = .between(nextStartsAt: nextStartsAt) }
        case .minglingEnded:
            closeAllBreakouts()
            let running = plan.sessions.first { startedSessions.contains($0.id) && !endedSessions.contains($0.id) }
            phase = running.map { .session($0.id) } ?? .lobby
        case .attendeeWaiting(let id, let eligibleAt):
            waiting.removeAll { $0.id == id }
            waiting.append((id, eligibleAt))
        case .leftBreakout(let id, let breakoutID, _):
            attendees[index(id)].breakout = nil
            openBreakouts[breakoutID]?.members.removeAll { $0 == id }
        case .breakoutClosed(let breakoutID, _, _):
            for member in openBreakouts[breakoutID]?.members ?? [] { attendees[index(member)].breakout = nil }
            openBreakouts[breakoutID] = nil
        case .chatDelivered, .signalRelayed:
            break
        case .stayInTouchRequested(let from, let to):
            stayRequests.insert(directedKey(from: from, to: to))
        case .stayInTouchWithdrawn(let from, let to):
            stayRequests.remove(directedKey(from: from, to: to))
        case .contactsExchanged(let first, let second, _, _):
            stayRequests.remove(directedKey(from: first, to: second))
            stayRequests.remove(directedKey(from: second, to: first))
            exchanged.insert(pairKey(first, second))
        case .attendeeReported(let from, let about, let reason, let at):
            reports.append(Report(from: from, about: about, reason: reason, at: at))
        case .attendeeBlocked(let from, let whom, _):
            blocked.insert(pairKey(from, whom))
        case .joiningPaused:
            isJoiningPaused = true
        case .joiningResumed:
            isJoiningPaused = false
        case .planReplaced(let newPlan):
            plan = newPlan
        }
    }

    var currentMinglePlan: MinglePlan? {
        if case .mingling(let state) = phase { return state.plan }
        return nil
    }

    private mutating func open(_ breakout: Breakout) {
        openBreakouts[breakout.id] = breakout
        nextBreakoutNumber = max(nextBreakoutNumber, breakout.id.rawValue + 1)
        let members = breakout.members
        for (position, member) in members.enumerated() {
            attendees[index(member)].breakout = breakout.id
            for other in members[(position + 1)...] { met.insert(pairKey(member, other)) }
        }
        waiting.removeAll { entry in members.contains(entry.id) }
    }

    private mutating func closeAllBreakouts() {
        for breakout in openBreakouts.values {
            for member in breakout.members { attendees[index(member)].breakout = nil }
        }
        openBreakouts.removeAll(keepingCapacity: true)
        waiting.removeAll()
    }

    private mutating func updateRunning(_ change: (inout RoundStatus) -> Void) {
        guard case .mingling(var state) = phase else { return }
        change(&state.status)
        phase = .mingling(state)
    }

    private mutating func dequeueGrace(_ id: AttendeeID) {
        graceQueue.removeAll { $0.id == id }
    }

    /// Keeps `graceQueue` sorted; deadlines nearly always arrive in order, so this is an append.
    private mutating func enqueueGrace(_ deadline: Timestamp, _ id: AttendeeID) {
        var position = graceQueue.count
        while position > 0 && graceQueue[position - 1].deadline > deadline { position -= 1 }
        graceQueue.insert((deadline, id), at: position)
    }
}
