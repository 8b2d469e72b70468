extension MinglingEngine {
    mutating func handleAdmin<R: RandomNumberGenerator>(
        _ command: AdminCommand, now: Timestamp, random: inout R
    ) throws(MinglingError) {
        switch command {
        case .startMingling(let id):
            try startMingling(id, now: now, random: &random)
        case .endRoundNow:
            guard case .mingling(let state) = phase, case .running = state.status else { throw .noRoundRunning }
            endRound(now: now)
        case .extendRound(let seconds):
            guard (1...settings.maxExtendSeconds).contains(seconds) else {
                throw .invalidExtension(maxSeconds: settings.maxExtendSeconds)
            }
            guard case .mingling(let state) = phase, case .running(_, let endsAt, _) = state.status else {
                throw .noRoundRunning
            }
            emit(.roundExtended(state.session, round: state.round, endsAt: endsAt.adding(seconds: seconds)))
        case .stopMingling:
            guard case .mingling(let state) = phase else { throw .noRoundRunning }
            if case .running = state.status { emit(.roundEnded(state.session, round: state.round, at: now)) }
            emit(.minglingEnded(state.session, at: now))
        case .pauseJoining:
            if !isJoiningPaused { emit(.joiningPaused(at: now)) }
        case .resumeJoining:
            if isJoiningPaused { emit(.joiningResumed(at: now)) }
        case .removeAttendee(let id, let reason):
            try removeAttendee(id, reason: reason, now: now)
        }
    }

    /// Admin start: the named session, else the running one, else the last one that ended.
    mutating func startMingling<R: RandomNumberGenerator>(
        _ id: SessionID?, now: Timestamp, random: inout R
    ) throws(MinglingError) {
        if case .mingling = phase { throw .minglingAlreadyRunning }
        let chosen: Session?
        if let id {
            chosen = plan.session(id)
        } else if case .session(let running) = phase {
            chosen = plan.session(running)
        } else {
            chosen = plan.sessions.last { endedSessions.contains($0.id) }
        }
        guard let session = chosen else { throw .unknownSession }
        guard let mingle = session.mingle, mingle.rounds > 0 else { throw .noMinglingPlan }
        guard !mingledSessions.contains(session.id) else { throw .alreadyMingled }
        beginMingling(session.id, now: now, random: &random)
    }

    mutating func beginMingling<R: RandomNumberGenerator>(_ id: SessionID, now: Timestamp, random: inout R) {
        if phase == .session(id) { emit(.sessionEnded(id, at: now)) }
        emit(.minglingStarted(id, rounds: plan.session(id)?.mingle?.rounds ?? 0, at: now))
        startRound(id, round: 1, now: now, random: &random)
    }

    /// Groups everyone connected. The plan is read afresh, so a reloaded file applies from here on.
    mutating func startRound<R: RandomNumberGenerator>(
        _ id: SessionID, round: Int, now: Timestamp, random: inout R
    ) {
        guard let mingle = plan.session(id)?.mingle, round <= mingle.rounds else {
            emit(.minglingEnded(id, at: now))
            return
        }
        let candidates = attendees.filter { $0.connection == .connected && !$0.removed }.map(\.id)
        let result = group(candidates, mingle: mingle, random: &random)
        let endsAt = now.adding(seconds: mingle.roundSeconds)
        let formed = result.groups.enumerated().map { offset, members in
            Breakout(
                id: BreakoutID(nextBreakoutNumber + UInt64(offset)), members: members.sorted(),
                prompt: mingle.prompts.randomElement(using: &random), endsAt: endsAt)
        }
        emit(.roundStarted(id, round: round, startedAt: now, endsAt: endsAt, breakouts: formed, unplaced: result.unplaced))
    }

    mutating func endRound(now: Timestamp) {
        guard case .mingling(let state) = phase else { return }
        emit(.roundEnded(state.session, round: state.round, at: now))
        if state.round >= (plan.session(state.session)?.mingle?.rounds ?? 0) {
            emit(.minglingEnded(state.session, at: now))
        }
    }

    /// Late arrivals and abandoned partners are grouped among themselves for the rest of the round.
    mutating func formWaitingGroups<R: RandomNumberGenerator>(now: Timestamp, random: inout R) {
        guard case .mingling(let state) = phase, case .running(_, let endsAt, _) = state.status else { return }
        let result = group(waiting.map(\.id).sorted(), mingle: state.plan, random: &random)
        for members in result.groups {
            emit(.breakoutFormed(Breakout(
                id: BreakoutID(nextBreakoutNumber), members: members.sorted(),
                prompt: state.plan.prompts.randomElement(using: &random), endsAt: endsAt)))
        }
    }

    func group<R: RandomNumberGenerator>(
        _ candidates: [AttendeeID], mingle: MinglePlan, random: inout R
    ) -> Pairing.Result {
        var valueIndex: [String: Int] = [:]
        for (position, value) in (plan.attribute(mingle.pairBy)?.values ?? []).enumerated() {
            valueIndex[value.id] = position
        }
        let values = candidates.map { id in
            attendees[index(id)].profile.attributes[mingle.pairBy].flatMap { valueIndex[$0] } ?? -1
        }
        let pairing = Pairing(groupSize: mingle.groupSize, policy: mingle.policy, met: met, blocked: blocked)
        return pairing.makeGroups(candidates: candidates, values: values, random: &random)
    }
}
