import Mingling

/// After an unclean stop (`kill -9`, a crash, a power loss) the connections that were open have an
/// `accepted` line and no `closed` one; left so, they would stay open in the log for ever and
/// `mingle logs summary` would miss their sessions. The next start closes them, in the log, with
/// `closedBy: "crash"` at the time of the last line the stopped server wrote.
///
/// Theory of operation (pure: lines in, `closed` events out):
///
///     accepted X  -> X open (time, and later: upgraded to a WebSocket, the attendee it joined as)
///     closed X    -> X closed
///     started     -> a new process: whatever is open was left by one that crashed before this
///                    recovery existed, and closes at the last time seen before the marker
///     end of the lines -> whatever is open closes at the last time seen
///
/// Connection ids are per process (loop index and a counter), so they repeat across runs; an
/// `accepted` for an id that is still open is such a leftover too. Lines come oldest first;
/// unreadable ones (a torn last line after a power loss) are skipped.
enum ConnectionLogRecovery {
    /// What recovery needs from a line (our own flat JSON, read without a JSON parser: the fields
    /// it needs come before any free text and never contain an escaped quote).
    struct Line: Equatable {
        var time: Timestamp
        var event: String
        var connection: String?
        var attendee: Int?
        var status: Int?
    }

    static func parse(_ line: Substring) -> Line? {
        guard let time = string("time", in: line).flatMap(UTCTime.parseFormatted), let event = string("event", in: line) else {
            return nil
        }
        return Line(time: time, event: String(event), connection: string("conn", in: line).map(String.init),
                    attendee: number("attendee", in: line), status: number("status", in: line))
    }

    /// The `closed` events for the connections `lines` leave open.
    static func closures(for lines: [Line]) -> [ConnectionLogEvent] {
        var open: [String: (accepted: Timestamp, webSocket: Bool, attendee: Int?)] = [:]
        var closures: [ConnectionLogEvent] = []
        var last: Timestamp?
        func closeAll(at time: Timestamp?) {
            // In the order they were accepted, so the lines read like the rest of the log.
            let left = open.sorted { ($0.value.accepted, $0.key) < ($1.value.accepted, $1.key) }
            open.removeAll()
            guard let time else { return }
            for (id, state) in left { closures.append(closure(id, state, at: time)) }
        }
        for line in lines {
            switch line.event {
            case "started":
                closeAll(at: last)
            case "accepted":
                guard let id = line.connection else { break }
                if let leftover = open[id], let last {
                    closures.append(closure(id, leftover, at: last))
                }
                open[id] = (line.time, false, nil)
            case "upgrade" where line.status == 101:
                if let id = line.connection { open[id]?.webSocket = true }
            case "joined":
                if let id = line.connection { open[id]?.attendee = line.attendee }
            case "closed":
                if let id = line.connection { open[id] = nil }
            default:
                break
            }
            last = max(last ?? line.time, line.time)
        }
        closeAll(at: last)
        return closures
    }

    private static func closure(_ id: String, _ state: (accepted: Timestamp, webSocket: Bool, attendee: Int?),
                                at time: Timestamp) -> ConnectionLogEvent {
        var e = ConnectionLogEvent(.closed, at: time, connection: UInt64(id, radix: 16))
        e.closedBy = ConnectionLogEvent.ClosedBy.crash.rawValue
        // The client saw its WebSocket drop without a close frame.
        if state.webSocket { e.code = 1006 }
        e.attendee = state.attendee.flatMap { UInt32(exactly: $0) }
        e.durationMilliseconds = max(0, time.millisecondsSinceEpoch - state.accepted.millisecondsSinceEpoch)
        return e
    }

    private static func value(_ key: String, in line: Substring) -> Substring? {
        guard let range = line.range(of: "\"" + key + "\":") else { return nil }
        return line[range.upperBound...]
    }

    private static func string(_ key: String, in line: Substring) -> Substring? {
        guard let rest = value(key, in: line), rest.first == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: "\"") else { return nil }
        return body[..<end]
    }

    private static func number(_ key: String, in line: Substring) -> Int? {
        guard let rest = value(key, in: line) else { return nil }
        return Int(rest.prefix { $0.isASCII && $0.isNumber })
    }
}
