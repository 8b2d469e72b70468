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
    /// Answers to "Good conversation?" per room, and per round of each room in the order they ran (journal).
    public var feedbackByRoom: [String: FeedbackCounts] = [:]
    public var feedbackRounds: [String: [RoundFeedback]] = [:]
    /// Breakout calls from the browsers' `call` lines (the same counting as the dashboard's).
    var calls = CallStats()

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
                case "call":
                    if !s.addCall(o) { s.unreadableLines += 1 }
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

    /// One `call` line back into a report (false when it is not one the server writes).
    mutating func addCall(_ o: [String: Any]) -> Bool {
        guard let attendee = (o["attendee"] as? Int).flatMap(UInt32.init(exactly:)), let peer = (o["peer"] as? Int).flatMap(UInt32.init(exactly:)),
              let breakout = (o["breakout"] as? Int).flatMap(UInt64.init(exactly:)), let room = o["room"] as? String,
              let outcome = o["outcome"] as? String else { return false }
        let ms = o["ms"] as? Int ?? 0
        let route = (o["route"] as? String).flatMap(CallReport.Path.init(rawValue:))
        let report: CallReport.Outcome
        switch outcome {
        case "started": report = .started
        case "interrupted": report = .interrupted
        case "connected": guard let route else { return false }; report = .connected(route, milliseconds: ms)
        case "recovered": guard let route else { return false }; report = .recovered(route, milliseconds: ms)
        case "failed":
            guard let reason = (o["reason"] as? String).flatMap(CallReport.Failure.init(rawValue:)) else { return false }
            report = .failed(reason, milliseconds: ms)
        default: return false
        }
        calls.record(CallReport(peer: AttendeeID(peer), outcome: report), from: AttendeeID(attendee), breakout: BreakoutID(breakout),
                     room: RoomID(room))
        return true
    }

    /// The calls of the whole event, as counted from the log.
    var callTally: CallStats.Tally { calls.tally() }

    mutating func addJournal(_ path: String, regionAttribute: String) throws {
        let contents = try Journal.read(path: path, repairTornTail: false)
        let events = contents.events
        // A compacted journal starts from a snapshot: the answers counted before it are in its rooms.
        for room in contents.snapshot?.rooms ?? [] where room.totals.feedback.total > 0 {
            feedbackByRoom[room.id.rawValue] = room.totals.feedback
            feedbackRounds[room.id.rawValue] = room.feedbackByRound
        }
        var region: [AttendeeID: String] = [:]
        for e in events {
            switch e {
            case .attendeeRegistered(let id, let profile, _):
                let r = profile.values(of: regionAttribute).first ?? "(none)"
                region[id] = r
                attendeesByRegion[r, default: 0] += 1
            case .feedbackGiven(_, _, let answer, let room, let session, let round, _):
                feedbackByRoom[room.rawValue, default: FeedbackCounts()][answer] += 1
                var rounds = feedbackRounds[room.rawValue] ?? []
                if let i = rounds.firstIndex(where: { $0.session == session && $0.round == round }) {
                    rounds[i].counts[answer] += 1
                } else {
                    var counts = FeedbackCounts()
                    counts[answer] = 1
                    rounds.append(RoundFeedback(session: session, round: round, counts: counts))
                }
                feedbackRounds[room.rawValue] = rounds
            case .attendeeResumed:
                resumes += 1
            case .roundStarted(_, _, _, _, _, let breakouts, _, _):
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
        if !feedbackByRoom.isEmpty {
            // "Good conversation?" per room, then per round (session and round number) under it.
            func cells(_ c: FeedbackCounts) -> String {
                [c.yes, c.soSo, c.no].map { String(repeating: " ", count: max(0, 9 - String($0).count)) + String($0) }
                    .joined(separator: " ")
            }
            lines.append("Good conversation?:               yes     so-so        no")
            for room in feedbackByRoom.keys.sorted() {
                lines.append("  " + room.padding(toLength: 28, withPad: " ", startingAt: 0) + cells(feedbackByRoom[room]!))
                for r in feedbackRounds[room] ?? [] {
                    lines.append("    " + "\(r.session) round \(r.round)".padding(toLength: 26, withPad: " ", startingAt: 0) + cells(r.counts))
                }
            }
        }
        let call = calls.tally()
        if call.started > 0 {
            row("Video calls", Self.callLine(call))
            if !call.failures.isEmpty {
                row("  failed because", call.failures.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
            }
            let callRooms = calls.rooms
            if callRooms.count > 1 {
                for room in callRooms { row("  " + room.rawValue, Self.callLine(calls.tally(room: room))) }
            }
        }
        if unreadableLines > 0 { row("Unreadable lines skipped", "\(unreadableLines)") }
        return lines.joined(separator: "\n")
    }

    /// `12 started, 11 connected (3 through the relay, 27%), 1 failed, 0 dropped, 2 recovered; median time to connect 0.8 s`
    static func callLine(_ t: CallStats.Tally) -> String {
        var text = "\(t.started) started, \(t.connected) connected"
        if let p = t.relayPercent { text += " (\(t.relayed) through the relay, \(p)%)" }
        text += ", \(t.failed) failed, \(t.dropped) dropped, \(t.recoveries) recovered"
        if let m = t.medianConnectMilliseconds { text += "; median time to connect \(seconds(m))" }
        return text
    }

    /// `0.8 s`, `12 s`.
    static func seconds(_ ms: Int) -> String {
        ms < 10_000 ? "\(ms / 1000).\(ms % 1000 / 100) s" : "\(ms / 1000) s"
    }

    static func duration(_ seconds: Int) -> String {
        seconds >= 3600 ? "\(seconds / 3600) h \(seconds / 60 % 60) min" : seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s"
    }

    static func closeName(_ code: Int) -> String {
        CloseCode(rawValue: UInt16(clamping: code)).summaryName
    }
}
