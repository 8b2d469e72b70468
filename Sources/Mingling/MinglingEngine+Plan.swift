/// Reloading the event file (SIGHUP): rooms may be added, future sessions changed; what is running now
/// must survive the change, or the change is refused with the reason.
extension MinglingEngine {
    mutating func replacePlan(_ newPlan: EventPlan, now: Timestamp) throws(MinglingError) {
        if let reason = whyNot(newPlan) { throw .planChangeRejected(reason) }
        emit(.planReplaced(newPlan))
        for room in newPlan.rooms where roomStates[room.id] == nil { phaseChanged(room.id) }
    }

    /// Why `newPlan` would break something running, or nil when it can be adopted.
    func whyNot(_ newPlan: EventPlan) -> String? {
        for room in plan.rooms {
            let state = roomState(room.id)
            let present = presentMembers(of: room.id).count
            guard let replacement = newPlan.room(room.id) else {
                if case .mingling(let mingling) = state.phase {
                    return "room \"\(room.id)\" is mingling now (round \(mingling.round) of \(mingling.plan.rounds)); keep it in the file until its mingling has ended"
                }
                if case .session(let session) = state.phase {
                    return "room \"\(room.id)\" is in session \"\(session)\" now; keep it in the file until the session has ended"
                }
                if present > 0 {
                    return "room \"\(room.id)\" has \(present) attendee\(present == 1 ? "" : "s") in it; keep it in the file while anyone is there"
                }
                continue
            }
            let kept = Set(replacement.sessions.map(\.id))
            switch state.phase {
            case .mingling(let mingling) where !kept.contains(mingling.session):
                return "room \"\(room.id)\" is mingling after session \"\(mingling.session)\" now; keep that session in the room until its mingling has ended"
            case .session(let session) where !kept.contains(session):
                return "room \"\(room.id)\" is in session \"\(session)\" now; keep that session in the room until it has ended"
            default:
                break
            }
        }
        for room in newPlan.rooms {
            for session in room.sessions {
                let running = startedSessions.contains(session.id) && !endedSessions.contains(session.id)
                if let owner = plan.room(of: session.id), owner != room.id, running || isMingling(after: session.id) {
                    return "session \"\(session.id)\" is running in room \"\(owner)\"; it cannot move to room \"\(room.id)\" now"
                }
            }
        }
        return nil
    }

    private func isMingling(after session: SessionID) -> Bool {
        rooms.contains { state in
            if case .mingling(let mingling) = state.phase { return mingling.session == session }
            return false
        }
    }

    /// The new plan's rooms get a state; rooms it dropped (checked to be idle and empty) go, and anyone still
    /// counted in them (offline) is in no room.
    mutating func adopt(_ newPlan: EventPlan) {
        plan = newPlan
        for room in newPlan.rooms where roomStates[room.id] == nil { roomStates[room.id] = RoomState(id: room.id) }
        for (id, state) in roomStates where newPlan.room(id) == nil {
            guard state.phase == .lobby else { continue }
            for member in state.members { attendees[index(member)].room = nil }
            roomStates[id] = nil
        }
    }
}
