import Foundation
import Mingling

extension EventConfigLoader {
    /// What `mingle check-config` prints for a valid file: enough for an organiser to see the plan was read
    /// as meant (times in the event's own time zone, the mingling of each session, who may join).
    public static func summary(of plan: EventPlan) -> String {
        let zone = TimeZone(identifier: plan.event.timeZone) ?? TimeZone(secondsFromGMT: 0)!
        var lines: [String] = []
        lines.append("Event \"\(plan.event.name)\" (\(plan.event.id)), times in \(plan.event.timeZone)")
        lines.append("Attributes:")
        for attribute in plan.attributes {
            let values = attribute.values.map(\.id).joined(separator: ", ")
            let flags = [attribute.required ? "required" : nil, attribute.multiple ? "several values" : nil].compactMap { $0 }
            lines.append("  \(attribute.id)\(flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"): \(attribute.values.count) values: \(values)")
        }
        lines.append("Rooms (\(plan.rooms.count), attendees' links /r/<room id>):")
        for room in plan.rooms {
            let location = room.location.map { ", \($0)" } ?? ""
            lines.append("  \(room.id): \(room.title)\(location)")
            for session in room.sessions {
                lines.append("    \(format(session.start, zone))-\(format(session.end, zone, timeOnly: true)) \(session.id): \(session.title)")
                if let mingle = session.mingle {
                    let minutes = (mingle.rounds * mingle.roundSeconds + 59) / 60
                    lines.append(
                        "      mingling (\(mingle.start.rawValue)): \(mingle.rounds) x \(mingle.roundSeconds) s (~\(minutes) min), "
                            + "groups of \(mingle.groupSize), "
                            + mingle.rules.map { "\($0.policy.rawValue) by \($0.attribute)" }.joined(separator: ", then ") + ", "
                            + "\(mingle.prompts.count) prompts, warning \(mingle.warningSeconds) s, late join window \(mingle.lateJoinWindowSeconds) s")
                } else {
                    lines.append("      no mingling")
                }
            }
        }
        switch plan.access {
        case .open: lines.append("Access: open")
        case .accessCode: lines.append("Access: access code required")
        }
        let urls = plan.iceServers.flatMap(\.urls)
        lines.append("ICE servers: \(urls.isEmpty ? "none (peers on the same network only)" : urls.joined(separator: ", "))")
        if plan.iceServers.contains(where: { $0.credential != nil }) {
            lines.append("note: iceServers carry a static TURN password, which every attendee's browser receives; "
                         + "prefer short-lived credentials (turn.* in the server settings)")
        }
        lines.append("Privacy: keep \(plan.privacy.retentionDays) days, IP logging \(plan.privacy.ipLogging.rawValue)")
        return lines.joined(separator: "\n")
    }

    static func format(_ time: Timestamp, _ zone: TimeZone, timeOnly: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = timeOnly ? "HH:mm" : "EEE yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000))
    }
}
