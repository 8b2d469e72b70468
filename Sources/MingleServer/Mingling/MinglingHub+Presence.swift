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
            for summary in RoomSummary.all(engine) {
                w.beginObject(); summary.write(&w, now: now); w.endObject()
            }
            w.endArray()
        }
    }
}
