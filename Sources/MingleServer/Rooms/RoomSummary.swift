import Mingling

/// One room as the lobby's room list, the room display, the dashboard and `/metrics` show it, computed
/// from the engine alone (so it is the same after a restart).
struct RoomSummary {
    let room: Room
    let phase: Phase
    var connected = 0
    var reconnecting = 0
    var inBreakouts = 0
    var waiting = 0
    var breakouts = 0
    /// Present attendees (connected or reconnecting) by attribute id and value id.
    var byAttribute: [String: [String: Int]] = [:]
    /// The mingling that comes next when none runs: after the running session, or after the room's next
    /// session with mingling. `startsAt` is nil when an organiser starts it by hand.
    var nextMingling: (session: Session, startsAt: Timestamp?)?
    /// Every session of the room has ended and its mingling (if any) is over.
    var isDone = false
    let totals: RoomTotals

    /// `countingAttributes: false` leaves `byAttribute` empty (the room list does not show it).
    init(_ room: Room, _ engine: MinglingEngine, countingAttributes: Bool = true) {
        self.room = room
        let state = engine.room(room.id)
        phase = state?.phase ?? .lobby
        totals = state?.totals ?? RoomTotals()
        for id in state?.members ?? [] {
            guard let a = engine.attendee(id), a.isPresent else { continue }
            if a.connection == .connected { connected += 1 } else { reconnecting += 1 }
            if a.breakout != nil { inBreakouts += 1 }
            guard countingAttributes else { continue }
            for (k, values) in a.profile.attributes { for v in values { byAttribute[k, default: [:]][v, default: 0] += 1 } }
        }
        waiting = state?.waitingAttendees.count ?? 0
        breakouts = engine.breakouts(in: room.id).count
        switch phase {
        case .mingling:
            break
        case .session(let id):
            if let s = room.sessions.first(where: { $0.id == id }), let mingle = s.mingle {
                nextMingling = (s, mingle.start == .automatic ? s.end : nil)
            }
        case .lobby:
            // The room's last session that ended, if its mingling has not run, can still be started by an
            // organiser (startsAt nil); otherwise the next session with mingling, at its end when automatic.
            let lastEnded = room.sessions.lastIndex { engine.hasEnded($0.id) }
            if let position = lastEnded, room.sessions[position].mingle != nil,
               !engine.hasMingled(room.sessions[position].id) {
                nextMingling = (room.sessions[position], nil)
            } else if let s = room.sessions.first(where: { $0.mingle != nil && !engine.hasEnded($0.id) }) {
                nextMingling = (s, s.mingle?.start == .automatic ? s.end : nil)
            }
            isDone = !room.sessions.isEmpty && nextMingling == nil && room.sessions.allSatisfy { engine.hasEnded($0.id) }
        }
    }

    var present: Int { connected + reconnecting }
    var inLobby: Int { max(0, present - inBreakouts - waiting) }

    /// The session running, or the one being mingled after.
    var currentSession: SessionID? {
        switch phase {
        case .lobby: nil
        case .session(let id): id
        case .mingling(let m): m.session
        }
    }

    var mingling: MinglingState? {
        if case .mingling(let m) = phase { return m }
        return nil
    }

    /// Seconds left in the running round, or until the next round.
    func secondsLeft(now: Timestamp) -> Int64? {
        guard let m = mingling else { return nil }
        switch m.status {
        case .running(_, let endsAt, _): return max(0, now.milliseconds(until: endsAt) / 1000)
        case .between(let next): return max(0, now.milliseconds(until: next) / 1000)
        }
    }

    /// `nextMingling` (`{"session","title","startsAt"}` or null) and `minglingDone`.
    func writeNextMingling(_ w: inout JSONWriter) {
        w.key("nextMingling")
        if let next = nextMingling {
            w.beginObject()
            w.field("session", next.session.id.rawValue)
            w.field("title", next.session.title)
            if let at = next.startsAt { w.field("startsAt", at.millisecondsSinceEpoch) } else { w.key("startsAt"); w.null() }
            w.endObject()
        } else {
            w.null()
        }
        w.field("minglingDone", isDone)
    }

    static func all(_ engine: MinglingEngine, countingAttributes: Bool = true) -> [RoomSummary] {
        engine.plan.rooms.map { RoomSummary($0, engine, countingAttributes: countingAttributes) }
    }

    /// The fields every view of a room shares (`rooms` message, status API, display page).
    func write(_ w: inout JSONWriter, now: Timestamp) {
        w.field("id", room.id.rawValue)
        w.field("title", room.title)
        w.field("location", optional: room.location)
        ServerMessage.phaseBody(&w, phase)
        w.key("sessionTitle")
        w.optionalString(currentSession.flatMap { id in room.sessions.first { $0.id == id }?.title })
        writeNextMingling(&w)
        w.field("present", present)
        w.field("inBreakouts", inBreakouts)
        w.field("waiting", waiting)
    }
}
