extension MinglingEngine {
    mutating func handleAdmin(_ command: AdminCommand, now: Timestamp) throws(MinglingError) {
        switch command {
        case .startMingling(let room, let id):
            try startMingling(room, id, now: now)
        case .endRoundNow(let room):
            _ = try existingRoom(room)
            guard let state = minglingState(room), case .running = state.status else { throw .noRoundRunning }
            endRound(room, now: now)
        case .extendRound(let room, let seconds):
            _ = try existingRoom(room)
            guard Limits.extendRound.allows(seconds) else { throw .invalidExtension(Limits.extendRound) }
            guard let state = minglingState(room), case .running(_, let endsAt, _) = state.status else {
                throw .noRoundRunning
            }
            emit(.roundExtended(room, state.session, round: state.round, endsAt: endsAt.adding(seconds: seconds)))
        case .stopMingling(let room):
            _ = try existingRoom(room)
            guard let state = minglingState(room) else { throw .noRoundRunning }
            if case .running = state.status { emit(.roundEnded(room, state.session, round: state.round, at: now)) }
            emit(.minglingEnded(room, state.session, at: now))
        case .pauseJoining:
            if !isJoiningPaused { emit(.joiningPaused(at: now)) }
        case .resumeJoining:
            if isJoiningPaused { emit(.joiningResumed(at: now)) }
        case .removeAttendee(let id, let reason):
            try removeAttendee(id, reason: reason, now: now)
        case .eraseAttendee(let id):
            try erase(id, now: now)
        }
    }

    func existingRoom(_ id: RoomID) throws(MinglingError) -> Room {
        guard let room = plan.room(id) else { throw .unknownRoom }
        return room
    }

    /// Admin start in a room: the named session (of that room), else the room's running one, else the last
    /// one of the room that ended.
    mutating func startMingling(_ roomID: RoomID, _ id: SessionID?, now: Timestamp) throws(MinglingError) {
        let room = try existingRoom(roomID)
        if minglingState(roomID) != nil { throw .minglingAlreadyRunning }
        let chosen: Session?
        if let id {
            chosen = room.sessions.first { $0.id == id }
        } else if case .session(let running) = roomState(roomID).phase {
            chosen = room.sessions.first { $0.id == running }
        } else {
            chosen = room.sessions.last { endedSessions.contains($0.id) }
        }
        guard let session = chosen else { throw .unknownSession }
        guard let mingle = session.mingle, mingle.rounds > 0 else { throw .noMinglingPlan }
        guard !mingledSessions.contains(session.id) else { throw .alreadyMingled }
        beginMingling(roomID, session.id, now: now)
    }

    mutating func beginMingling(_ room: RoomID, _ id: SessionID, now: Timestamp) {
        if roomState(room).phase == .session(id) { emit(.sessionEnded(room, id, at: now)) }
        emit(.minglingStarted(room, id, rounds: plan.session(id)?.mingle?.rounds ?? 0, at: now))
        startRound(room, id, round: 1, now: now)
    }

    /// Groups everyone present in the room: connected, or dropped and still within their grace period (after
    /// a restart everyone is reconnecting for a moment, and a round due then must not start without them).
    /// The plan is read afresh, so a reloaded file applies from here on.
    mutating func startRound(_ room: RoomID, _ id: SessionID, round: Int, now: Timestamp) {
        guard let mingle = plan.session(id)?.mingle, round <= mingle.rounds else {
            emit(.minglingEnded(room, id, at: now))
            return
        }
        var random = DecisionRandom.generator(seed: seed, [room.rawValue, id.rawValue], [UInt64(round)])
        let candidates = presentMembers(of: room)
        let result = group(candidates, mingle: mingle, random: &random)
        let endsAt = now.adding(seconds: mingle.roundSeconds)
        let formed = result.groups.enumerated().map { offset, members in
            Breakout(
                id: BreakoutID(nextBreakoutNumber + UInt64(offset)), room: room, members: members.sorted(),
                prompt: mingle.prompts.randomElement(using: &random), endsAt: endsAt)
        }
        let quality = zip(mingle.rules, result.quality).map { rule, outcome in
            RuleQuality(attribute: rule.attribute, policy: rule.policy, satisfied: outcome.satisfied,
                        groups: result.groups.count, best: outcome.best, alone: outcome.alone)
        }
        emit(.roundStarted(room, id, round: round, startedAt: now, endsAt: endsAt, breakouts: formed,
                           unplaced: result.unplaced, quality: quality))
    }

    mutating func endRound(_ room: RoomID, now: Timestamp, last: Bool = false) {
        guard let state = minglingState(room) else { return }
        emit(.roundEnded(room, state.session, round: state.round, at: now))
        if last || state.round >= (plan.session(state.session)?.mingle?.rounds ?? 0) {
            emit(.minglingEnded(room, state.session, at: now))
        }
    }

    /// Late arrivals and abandoned partners are grouped among themselves for the rest of the round.
    mutating func formWaitingGroups(_ room: RoomID, now: Timestamp) {
        guard let state = minglingState(room), case .running(_, let endsAt, _) = state.status else { return }
        var random = DecisionRandom.generator(
            seed: seed, [room.rawValue, state.session.rawValue], [UInt64(state.round), nextBreakoutNumber])
        let result = group(roomState(room).waitingAttendees.sorted(), mingle: state.plan, random: &random)
        for members in result.groups {
            emit(.breakoutFormed(Breakout(
                id: BreakoutID(nextBreakoutNumber), room: room, members: members.sorted(),
                prompt: state.plan.prompts.randomElement(using: &random), endsAt: endsAt)))
        }
    }

    func group<R: RandomNumberGenerator>(
        _ candidates: [AttendeeID], mingle: MinglePlan, random: inout R
    ) -> Pairing.Result {
        let pairing = Pairing(
            groupSize: mingle.groupSize, rules: mingle.rules.map { ruleInput($0, candidates) }, met: met, blocked: blocked)
        return pairing.makeGroups(candidates: candidates, random: &random)
    }

    /// Each candidate's answer to the rule's attribute as value indices (an attribute the plan no longer
    /// declares is unanswered by everyone).
    func ruleInput(_ rule: PairingRule, _ candidates: [AttendeeID]) -> PairingRuleInput {
        guard rule.policy != .any else { return PairingRuleInput(ignoring: .any) }
        let definition = plan.attribute(rule.attribute)
        var valueIndex: [String: Int] = [:]
        for (position, value) in (definition?.values ?? []).enumerated() { valueIndex[value.id] = position }
        let valueCount = definition?.values.count ?? 0
        if definition?.multiple == true {
            let answers = candidates.map { id in
                attendees[index(id)].profile.values(of: rule.attribute).compactMap { valueIndex[$0] }
            }
            return PairingRuleInput(policy: rule.policy, answers: answers, valueCount: valueCount)
        }
        let values = candidates.map { id in
            attendees[index(id)].profile.values(of: rule.attribute).first.flatMap { valueIndex[$0] } ?? -1
        }
        return PairingRuleInput(policy: rule.policy, single: values, valueCount: valueCount)
    }
}
