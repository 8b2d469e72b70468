import Mingling

/// The periodic updates: each room's presence to the people in it, and the room list to everyone not in a
/// breakout. Both are snapshots computed from the engine, sent only when they changed, and droppable for a
/// connection that is behind.
extension MinglingHub {
    /// About every 2 s while something changed.
    func presenceTick() {
        let now = wallClock()
        if presenceDirty {
            presenceDirty = false
            for summary in RoomSummary.all(engine) { sendPresence(summary) }
        }
        // Counts change all the time at a large event: the list goes out at most every 10 s for that, and
        // within 2 s when a room's phase changed (handled by `roomsDirty` with a fresh phase).
        if roomsDirty, lastRoomsSentAt.map({ $0.milliseconds(until: now) >= 10_000 }) ?? true || phasesChanged() {
            roomsDirty = false
            let bytes = roomsMessage(now: now)
            if bytes != lastRooms {
                lastRooms = bytes
                lastRoomsSentAt = now
                lastRoomPhases = engine.rooms.map(\.phase)
                for (id, link) in links where engine.attendee(id)?.breakout == nil {
                    enqueue(link, .text(bytes, droppable: true))
                }
            }
        }
        if !roomsWanted.isEmpty {
            let bytes = lastRooms.isEmpty ? roomsMessage(now: now) : lastRooms
            for id in roomsWanted where engine.attendee(id)?.breakout == nil { send(id, bytes, droppable: true) }
            roomsWanted = []
        }
        flushOutgoing()
    }

    private func phasesChanged() -> Bool { engine.rooms.map(\.phase) != lastRoomPhases }

    static func presence(_ summary: RoomSummary) -> [UInt8] {
        ServerMessage.presence(room: summary.room.id, total: summary.present, byAttribute: summary.byAttribute,
                               inBreakouts: summary.inBreakouts, waiting: summary.waiting)
    }

    private func sendPresence(_ summary: RoomSummary) {
        let id = summary.room.id
        let bytes = Self.presence(summary)
        guard bytes != lastPresence[id] else { return }
        lastPresence[id] = bytes
        for member in engine.room(id)?.members ?? [] { send(member, bytes, droppable: true) }
    }

    /// `rooms`: every room with its phase and how many are in it.
    func roomsMessage(now: Timestamp) -> [UInt8] {
        JSONWriter.message("rooms") { w in
            w.key("rooms"); w.beginArray()
            for summary in RoomSummary.all(engine, countingAttributes: false) {
                w.beginObject(); summary.write(&w, now: now); w.endObject()
            }
            w.endArray()
        }
    }

    /// The room list for a page that just joined or resumed: every room's phase as it is now, its counts at most
    /// `RoomListSnapshot.maxAge` old (the periodic list follows with fresh ones). Without this, a join storm of
    /// N attendees costs N x N visits.
    func greetingRoomsMessage(now: Timestamp) -> [UInt8] {
        let phases = engine.rooms.map(\.phase)
        if let cached = greetingRooms, cached.isFresh(at: now, phases: phases) { return cached.bytes }
        let bytes = roomsMessage(now: now)
        greetingRooms = RoomListSnapshot(bytes: bytes, at: now, phases: phases)
        return bytes
    }

    /// Who is in `room`, for someone who just entered it (so that they need not wait for the next change),
    /// reused the same way while many enter at once.
    func enteringPresence(_ room: RoomID, now: Timestamp) -> [UInt8]? {
        let phases = engine.rooms.map(\.phase)
        if let cached = enteringPresences[room], cached.isFresh(at: now, phases: phases) { return cached.bytes }
        guard let plan = engine.plan.room(room) else { return nil }
        let bytes = Self.presence(RoomSummary(plan, engine))
        enteringPresences[room] = RoomListSnapshot(bytes: bytes, at: now, phases: phases)
        return bytes
    }

    /// After the plan or the engine was replaced: nothing computed before may be reused.
    func forgetSnapshots() {
        greetingRooms = nil
        enteringPresences = [:]
    }
}

/// A room list (or a room's presence) computed at `at` while the rooms had `phases`.
struct RoomListSnapshot {
    /// How old the counts a newcomer gets may be.
    static let maxAge = 500 // milliseconds

    let bytes: [UInt8]
    let at: Timestamp
    let phases: [Phase]

    func isFresh(at now: Timestamp, phases current: [Phase]) -> Bool {
        let age = at.milliseconds(until: now)
        return age >= 0 && age < Self.maxAge && phases == current
    }
}
