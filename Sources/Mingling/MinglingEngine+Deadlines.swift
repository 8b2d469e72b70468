/// Something the engine does on its own once its time has come.
enum Step: Equatable {
    case graceExpired(AttendeeID, Timestamp)
    case warnRound
    case endRound
    case startNextRound
    case formWaitingGroups
    case startSession(SessionID)
    case endSession(SessionID)
    case startAutomaticMingling(SessionID)
}

extension MinglingEngine {
    /// When `tick` next has something to do; `nil` when nothing is scheduled.
    public var nextDeadline: Timestamp? { nextStep()?.at }

    /// The earliest pending step; on equal times the earlier entry below wins (grace, round, schedule).
    /// Every step, once performed, changes state so that it is no longer pending: `settle` cannot spin.
    func nextStep() -> (at: Timestamp, step: Step)? {
        var best: (at: Timestamp, step: Step)?
        func consider(_ at: Timestamp, _ step: Step) {
            if best == nil || at < best!.at { best = (at, step) }
        }
        if let first = graceQueue.first { consider(first.deadline, .graceExpired(first.id, first.deadline)) }
        if case .mingling(let state) = phase {
            switch state.status {
            case .running(_, let endsAt, let warned):
                let warningAt = endsAt.adding(seconds: -state.plan.warningSeconds)
                if !warned && state.plan.warningSeconds > 0 { consider(min(warningAt, endsAt), .warnRound) }
                consider(endsAt, .endRound)
                if let formAt = waitingGroupTime(endsAt: endsAt) { consider(formAt, .formWaitingGroups) }
            case .between(let nextStartsAt):
                consider(nextStartsAt, .startNextRound)
            }
        }
        if let session = plan.sessions.first(where: { !endedSessions.contains($0.id) }) {
            if startedSessions.contains(session.id) {
                consider(session.end, .endSession(session.id))
            } else {
                consider(session.start, .startSession(session.id))
            }
        }
        if let session = automaticMinglingDue() { consider(session.end, .startAutomaticMingling(session.id)) }
        return best
    }

    /// Waiting attendees are grouped once the earliest is eligible, if at least two could form a group
    /// and the round still has time for a conversation.
    private func waitingGroupTime(endsAt: Timestamp) -> Timestamp? {
        guard !isJoiningPaused, waiting.count >= 2,
              let earliest = waiting.map(\.eligibleAt).min(),
              earliest.adding(seconds: settings.minimumLateBreakoutSeconds) <= endsAt
        else { return nil }
        let ids = waiting.map(\.id)
        for (position, a) in ids.enumerated() {
            for b in ids[(position + 1)...] where !isBlocked(a, b) { return earliest }
        }
        return nil
    }

    /// The last ended session, if its mingling is automatic, has not run, and no later session began.
    private func automaticMinglingDue() -> Session? {
        if case .mingling = phase { return nil }
        guard let position = plan.sessions.lastIndex(where: { endedSessions.contains($0.id) }) else { return nil }
        let session = plan.sessions[position]
        guard let mingle = session.mingle, mingle.start == .automatic, mingle.rounds > 0,
              !mingledSessions.contains(session.id),
              !plan.sessions[(position + 1)...].contains(where: { startedSessions.contains($0.id) })
        else { return nil }
        return session
    }

    mutating func settle<R: RandomNumberGenerator>(now: Timestamp, random: inout R) {
        var steps = 0
        while let (at, step) = nextStep(), at <= now {
            steps += 1
            precondition(steps < 1_000_000, "a deadline step made no progress")
            perform(step, now: now, random: &random)
        }
    }

    private mutating func perform<R: RandomNumberGenerator>(_ step: Step, now: Timestamp, random: inout R) {
        switch step {
        case .graceExpired(let id, let deadline):
            if graceQueue.first?.id == id { graceQueue.removeFirst() }
            if case .reconnecting(_, let graceEndsAt) = attendees[index(id)].connection, graceEndsAt == deadline,
               !attendees[index(id)].removed {
                drop(id, now: now)
            }
        case .warnRound:
            if case .mingling(let state) = phase, case .running(_, let endsAt, _) = state.status {
                emit(.roundEndingSoon(state.session, round: state.round, endsAt: endsAt))
            }
        case .endRound:
            endRound(now: now)
        case .startNextRound:
            if case .mingling(let state) = phase {
                startRound(state.session, round: state.round + 1, now: now, random: &random)
            }
        case .formWaitingGroups:
            formWaitingGroups(now: now, random: &random)
        case .startSession(let id):
            emit(.sessionStarted(id, at: now))
        case .endSession(let id):
            emit(.sessionEnded(id, at: now))
        case .startAutomaticMingling(let id):
            beginMingling(id, now: now, random: &random)
        }
    }
}
