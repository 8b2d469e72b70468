/// Something the engine does on its own once its time has come.
enum Step: Equatable {
    case graceExpired(AttendeeID, Timestamp)
    case warnRound(RoomID)
    case endRound(RoomID)
    case startNextRound(RoomID)
    case formWaitingGroups(RoomID)
    case startSession(RoomID, SessionID)
    case endSession(RoomID, SessionID)
    case startAutomaticMingling(RoomID, SessionID)
    case expirePersonalData
}

extension MinglingEngine {
    /// When `tick` next has something to do; `nil` when nothing is scheduled.
    public var nextDeadline: Timestamp? { nextStep()?.at }

    /// The earliest pending step; on equal times grace expiries come first, then rooms in the plan's order
    /// (within a room: round, then schedule). Every step, once performed, changes state so that it is no
    /// longer pending: `settle` cannot spin.
    func nextStep() -> (at: Timestamp, step: Step)? {
        var best: (at: Timestamp, step: Step)?
        func consider(_ at: Timestamp, _ step: Step) {
            if best == nil || at < best!.at { best = (at, step) }
        }
        if let first = graceQueue.first { consider(first.deadline, .graceExpired(first.id, first.deadline)) }
        if let expiry = personalDataExpiry { consider(expiry, .expirePersonalData) }
        for room in plan.rooms {
            let state = roomState(room.id)
            if case .mingling(let mingling) = state.phase {
                switch mingling.status {
                case .running(_, let endsAt, let warned):
                    let warningAt = endsAt.adding(seconds: -mingling.plan.warningSeconds)
                    if !warned && mingling.plan.warningSeconds > 0 { consider(min(warningAt, endsAt), .warnRound(room.id)) }
                    consider(endsAt, .endRound(room.id))
                    if let formAt = waitingGroupTime(state, endsAt: endsAt) { consider(formAt, .formWaitingGroups(room.id)) }
                case .between(let nextStartsAt):
                    consider(nextStartsAt, .startNextRound(room.id))
                }
            }
            if let session = room.sessions.first(where: { !endedSessions.contains($0.id) }) {
                if startedSessions.contains(session.id) {
                    consider(session.end, .endSession(room.id, session.id))
                } else {
                    consider(session.start, .startSession(room.id, session.id))
                }
            }
            if let session = automaticMinglingDue(room, state) {
                consider(session.end, .startAutomaticMingling(room.id, session.id))
            }
        }
        return best
    }

    /// When the retention period after the event's last session ends (nil once done, or without sessions).
    public var personalDataExpiry: Timestamp? {
        guard !personalDataExpired, let last = plan.lastSessionEnd else { return nil }
        return last.adding(seconds: plan.privacy.retentionDays * 86_400)
    }

    /// Waiting attendees are grouped once the earliest is eligible, if at least two could form a group
    /// and the round still has time for a conversation.
    private func waitingGroupTime(_ state: RoomState, endsAt: Timestamp) -> Timestamp? {
        guard !isJoiningPaused, state.waiting.count >= 2,
              let earliest = state.waiting.map(\.eligibleAt).min(),
              earliest.adding(seconds: settings.minimumLateBreakoutSeconds) <= endsAt
        else { return nil }
        let ids = state.waiting.map(\.id)
        for (position, a) in ids.enumerated() {
            for b in ids[(position + 1)...] where !isBlocked(a, b) { return earliest }
        }
        return nil
    }

    /// The room's last ended session, if its mingling is automatic, has not run or been missed, and no later
    /// session of the room began.
    private func automaticMinglingDue(_ room: Room, _ state: RoomState) -> Session? {
        if case .mingling = state.phase { return nil }
        guard let position = room.sessions.lastIndex(where: { endedSessions.contains($0.id) }) else { return nil }
        let session = room.sessions[position]
        guard let mingle = session.mingle, mingle.start == .automatic, mingle.rounds > 0,
              !mingledSessions.contains(session.id), !missedSessions.contains(session.id),
              !room.sessions[(position + 1)...].contains(where: { startedSessions.contains($0.id) })
        else { return nil }
        return session
    }

    mutating func settle(now: Timestamp) {
        var steps = 0
        while let (at, step) = nextStep(), at <= now {
            steps += 1
            precondition(steps < 1_000_000, "a deadline step made no progress")
            perform(step, due: at, now: now)
        }
    }

    /// Whether something due at `due` is too late to start at `now` (the catch-up window has passed).
    func isTooLate(_ due: Timestamp, now: Timestamp) -> Bool {
        now > due.adding(seconds: settings.automaticStartWindowSeconds)
    }

    private mutating func perform(_ step: Step, due: Timestamp, now: Timestamp) {
        switch step {
        case .graceExpired(let id, let deadline):
            if graceQueue.first?.id == id { graceQueue.removeFirst() }
            if case .reconnecting(_, let graceEndsAt) = attendees[index(id)].connection, graceEndsAt == deadline,
               !attendees[index(id)].removed {
                drop(id, now: now)
            }
        case .warnRound(let room):
            if let state = minglingState(room), case .running(_, let endsAt, _) = state.status {
                emit(.roundEndingSoon(room, state.session, round: state.round, endsAt: endsAt))
            }
        case .endRound(let room):
            // Long past its end (the server was down): the rest of this mingling is not run late either.
            endRound(room, now: now, last: isTooLate(due, now: now))
        case .startNextRound(let room):
            guard let state = minglingState(room) else { return }
            if isTooLate(due, now: now) {
                // The server was down through the rest of this mingling: do not run it late.
                emit(.minglingEnded(room, state.session, at: now))
            } else {
                startRound(room, state.session, round: state.round + 1, now: now)
            }
        case .formWaitingGroups(let room):
            formWaitingGroups(room, now: now)
        case .startSession(let room, let id):
            emit(.sessionStarted(room, id, at: now))
        case .endSession(let room, let id):
            emit(.sessionEnded(room, id, at: now))
        case .expirePersonalData:
            emit(.personalDataExpired(at: now))
        case .startAutomaticMingling(let room, let id):
            if isTooLate(due, now: now) {
                emit(.minglingMissed(room, id, at: now))
            } else {
                beginMingling(room, id, now: now)
            }
        }
    }
}
