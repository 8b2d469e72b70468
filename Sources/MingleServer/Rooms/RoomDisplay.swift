import Mingling

/// What a room's display page (the projector in the physical room) shows: no names, only the room's
/// state and counts. Encoded on the hub; the feed adds the time and the room's link.
extension MinglingHub {
    /// The display's fields for `room` (without `type`, `serverTime` and `link`), or nil for an unknown room.
    func displayFields(_ room: RoomID) -> String? {
        guard let plan = engine.plan.room(room) else { return nil }
        let summary = RoomSummary(plan, engine)
        var w = JSONWriter()
        w.beginObject()
        w.key("room"); w.beginObject()
        w.field("id", plan.id.rawValue); w.field("title", plan.title); w.field("location", optional: plan.location)
        w.endObject()
        ServerMessage.phaseBody(&w, summary.phase, session: false)
        w.key("session")
        if let id = summary.currentSession, let session = plan.sessions.first(where: { $0.id == id }) {
            w.beginObject(); w.field("id", id.rawValue); w.field("title", session.title); w.endObject()
        } else {
            w.null()
        }
        summary.writeNextMingling(&w)
        w.field("present", summary.present)
        w.field("inBreakouts", summary.inBreakouts)
        // Hybrid events: an attribute `attendance` (e.g. onsite/remote) is counted for the room's screen.
        w.key("byAttendance"); w.beginObject()
        for (value, count) in (summary.byAttribute["attendance"] ?? [:]).sorted(by: { $0.key < $1.key }) { w.field(value, count) }
        w.endObject()
        w.endObject()
        return String(w.text.dropFirst().dropLast())
    }

    /// `/r/<room>/poster.json`: what the printable poster shows.
    func posterJSON(_ room: RoomID, link: String) -> String? {
        guard let plan = engine.plan.room(room) else { return nil }
        var w = JSONWriter()
        w.beginObject()
        w.key("room"); w.beginObject()
        w.field("id", plan.id.rawValue); w.field("title", plan.title); w.field("location", optional: plan.location)
        w.endObject()
        w.field("event", engine.plan.event.name)
        w.field("link", link)
        w.endObject()
        return w.text
    }
}
