import Mingling

/// Call reports (`call_report`): counted per room for the dashboard, the status API and /metrics
/// (Turn/CallReport.swift says why they are not the engine's), and written to the connection log.
extension MinglingHub {
    func recordCall(_ report: CallReport, from id: AttendeeID, link: AttendeeLink, now: Timestamp) {
        let request = "call_report"
        // A report racing the end of its breakout is refused like a late chat message; the page ignores it.
        guard let breakout = engine.breakout(of: id) else {
            return refuse(link, .notInBreakout, "you are not in a breakout", request)
        }
        guard report.peer != id else { return refuse(link, .cannotTargetSelf, "a call is with someone else", request) }
        guard breakout.members.contains(report.peer) else {
            return refuse(link, .notInSameBreakout, "that attendee is not in your breakout", request)
        }
        calls.record(report, from: id, breakout: breakout.id, room: breakout.room)
        callLog?(.call(report, from: id, breakout: breakout.id, room: breakout.room, link: link, at: now))
    }
}
