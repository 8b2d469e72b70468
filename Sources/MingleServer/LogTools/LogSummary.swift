import Foundation
import Mingling
import WebSocket

/// `mingle logs summary FILE...`: what organisers want to know after the event, from the
/// connection logs (and the journal, for regions and meetings). Only counts and durations:
/// no names, addresses or messages are printed.
public struct LogSummary: Sendable, Equatable {
    public var connections = 0
    public var webSockets = 0
    public var uniqueAttendees = 0
    public var medianSessionSeconds = 0
    public var p90SessionSeconds = 0
    public var closeCodes: [Int: Int] = [:]
    /// `closed` lines by `closedBy` (client, server, network, error, crash).
    public var closedBy: [String: Int] = [:]
    /// `accepted` lines without their `closed` line (a log cut short, or written before recovery existed).
    public var neverClosed = 0
    /// Attendee connections beyond each attendee's first (from the log), and resumes (journal).
    public var reconnects = 0
    public var resumes = 0
    public var attendeesByRegion: [String: Int] = [:]
    public var meetingsByRegion: [String: Int] = [:]
    public var meetings = 0
    public var crossRegionMeetings = 0
    public var busiestMinute: String?
    public var busiestMinuteConnections = 0
    public var unreadableLines = 0
    /// Joins (first room of a connection) and moves into each room, from the log; meetings per room, from
    /// the journal.
    public var joinsByRoom: [String: Int] = [:]
    public var entriesByRoom: [String: Int] = [:]
    public var meetingsByRoom: [String: Int] = [:]

    public init() {}

    /// Reads connection log files (rotated ones included, in any order) and, when given, the journal.
    public static func make(logFiles: [String], journal: String?, regionAttribute: String = "region") throws -> LogSummary {
        var s = LogSummary()
        var joinsByAttendee: [Int: Int] = [:]
        var sessionMs: [Int64] = []
        var perMinute: [String: Int] = [:]
        // Ids repeat across runs, and files may come in any order: count, do not pair in order.
        var openings: [String: Int] = [:]
        for path in logFiles {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            for line in data.split(separator: 10) where !line.isEmpty {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                      let event = o["event"] as? String else { s.unreadableLines += 1; continue }
                switch event {
                case "accepted":
                    s.connections += 1
                    if let c = o["conn"] as? String { openings[c, default: 0] += 1 }
                    if let t = o["time"] as? String, t.count >= 16 { perMinute[String(t.prefix(16)), default: 0] += 1 }
                case "upgrade":
                    if (o["status"] as? Int) == 101 { s.webSockets += 1 }
                case "joined":
                    if let a = o["attendee"] as? Int { joinsByAttendee[a, default: 0] += 1 }
                    if let r = o["room"] as? String { s.joinsByRoom[r, default: 0] += 1 }
                case "room":
                    if let r = o["room"] as? String { s.entriesByRoom[r, default: 0] += 1 }
                case "closed":
                    if let c = o["conn"] as? String { openings[c, default: 0] -= 1 }
                    if let who = o["closedBy"] as? String { s.closedBy[who, default: 0] += 1 }
                    if let code = o["code"] as? Int { s.closeCodes[code, default: 0] += 1 }
                    if o["attendee"] != nil, let ms = o["durationMs"] as? Int { sessionMs.append(Int64(ms)) }
                default: break
                }
            }
        }
        s.neverClosed = openings.values.reduce(0) { $0 + max(0, $1) }
        s.uniqueAttendees = joinsByAttendee.count
        s.reconnects = joinsByAttendee.values.reduce(0) { $0 + max(0, $1 - 1) }
        sessionMs.sort()
        s.medianSessionSeconds = Int(percentile(sessionMs, 0.5) / 1000)
        s.p90SessionSeconds = Int(percentile(sessionMs, 0.9) / 1000)
        if let busiest = perMinute.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            s.busiestMinute = busiest.key.replacingOccurrences(of: "T", with: " ") + " UTC"
            s.busiestMinuteConnections = busiest.value
        }
        if let journal { try s.addJournal(journal, regionAttribute: regionAttribute) }
        return s
    }

    mutating func addJournal(_ path: String, regionAttribute: String) throws {
        let events = try Journal.read(path: path, repairTornTail: false).events
        var region: [AttendeeID: String] = [:]
        for e in events {
            switch e {
            case .attendeeRegistered(let id, let profile, _):
                let r = profile.attributes[regionAttribute] ?? "(none)"
                region[id] = r
                attendeesByRegion[r, default: 0] += 1
            case .attendeeResumed:
                resumes += 1
            case .roundStarted(_, _, _, _, _, let breakouts, _):
                for b in breakouts { addMeeting(b, region) }
            case .breakoutFormed(let b):
                addMeeting(b, region)
            default: break
            }
        }
    }

    private mutating func addMeeting(_ b: Breakout, _ region: [AttendeeID: String]) {
        meetings += 1
        meetingsByRoom[b.room.rawValue, default: 0] += 1
        let regions = Set(b.members.map { region[$0] ?? "(unknown)" })
        if regions.count > 1 { crossRegionMeetings += 1 }
        for r in regions { meetingsByRegion[r, default: 0] += 1 }
    }

    /// Nearest-rank percentile of sorted values (0 when empty).
    static func percentile(_ sorted: [Int64], _ p: Double) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// The human-readable report.
    public var text: String {
        var lines: [String] = []
        func row(_ k: String, _ v: String) { lines.append(k.padding(toLength: 30, withPad: " ", startingAt: 0) + v) }
        row("Connections", "\(connections) (\(webSockets) WebSocket)")
        row("Unique attendees", "\(uniqueAttendees)")
        row("Attendee session length", "median \(Self.duration(medianSessionSeconds)), p90 \(Self.duration(p90SessionSeconds))")
        row("Reconnects", "\(reconnects) extra connections" + (resumes > 0 ? ", \(resumes) resumes in the journal" : ""))
        if let busiestMinute { row("Busiest minute", "\(busiestMinute): \(busiestMinuteConnections) new connections") }
        if !closedBy.isEmpty {
            let order = ["client", "server", "network", "error", "crash"]
            let names = closedBy.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
            row("Closed by", names.map { "\($0) \(closedBy[$0]!)" }.joined(separator: ", "))
        }
        if neverClosed > 0 { row("Never closed", "\(neverClosed) connections (no closed line: the log is cut short)") }
        lines.append("Close codes:")
        for (code, n) in closeCodes.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(code) \(Self.closeName(code).padding(toLength: 20, withPad: " ", startingAt: 0)) \(n)")
        }
        if !attendeesByRegion.isEmpty {
            row("Meetings", "\(meetings), of which \(crossRegionMeetings) across regions" +
                (meetings > 0 ? " (\(crossRegionMeetings * 100 / meetings)%)" : ""))
            lines.append("By region:                    attendees  meetings")
            for r in Set(attendeesByRegion.keys).union(meetingsByRegion.keys).sorted() {
                let a = String(attendeesByRegion[r] ?? 0), m = String(meetingsByRegion[r] ?? 0)
                lines.append("  " + r.padding(toLength: 28, withPad: " ", startingAt: 0)
                             + String(repeating: " ", count: max(0, 9 - a.count)) + a
                             + String(repeating: " ", count: max(0, 10 - m.count)) + m)
            }
        }
        let rooms = Set(joinsByRoom.keys).union(entriesByRoom.keys).union(meetingsByRoom.keys)
        if !rooms.isEmpty {
            lines.append("By room:                      joined   entered  meetings")
            for r in rooms.sorted() {
                let cells = [joinsByRoom[r] ?? 0, entriesByRoom[r] ?? 0, meetingsByRoom[r] ?? 0].map(String.init)
                lines.append("  " + r.padding(toLength: 28, withPad: " ", startingAt: 0)
                             + cells.map { String(repeating: " ", count: max(0, 9 - $0.count)) + $0 }.joined(separator: " "))
            }
        }
        if unreadableLines > 0 { row("Unreadable lines skipped", "\(unreadableLines)") }
        return lines.joined(separator: "\n")
    }

    static func duration(_ seconds: Int) -> String {
        seconds >= 3600 ? "\(seconds / 3600) h \(seconds / 60 % 60) min" : seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s"
    }

    static func closeName(_ code: Int) -> String {
        CloseCode(rawValue: UInt16(clamping: code)).summaryName
    }
}
