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
        var text = String(line)
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// A line's fields from its bytes. `time` and `event` lead every line the log writes (read at
    /// their place, else searched for); `conn`, `attendee` and `status` are looked for only in
    /// the events that use them. A line whose `time` is not the log's own form is no line.
    static func parse(_ line: UnsafeRawBufferPointer) -> Line? {
        guard let timeText = string("time", in: line, at: 1), timeText.count == 24,
              let time = UTCTime.parseFormatted(timeText),
              let eventText = string("event", in: line, at: 35) else { return nil }
        let event = String(decoding: eventText, as: UTF8.self)
        var parsed = Line(time: time, event: event, connection: nil, attendee: nil, status: nil)
        switch event {
        case "accepted", "upgrade", "joined", "closed":
            parsed.connection = string("conn", in: line, at: 46 + eventText.count).map { String(decoding: $0, as: UTF8.self) }
            if event == "upgrade" { parsed.status = number("status", in: line) }
            if event == "joined" { parsed.attendee = number("attendee", in: line) }
        default:
            break
        }
        return parsed
    }

    /// The `closed` events for the connections `lines` leave open.
    static func closures(for lines: [Line]) -> [ConnectionLogEvent] {
        var replay = Replay()
        for line in lines { replay.take(line) }
        return replay.finish()
    }

    /// The lines in order, one at a time (a start streams a whole day's log through it).
    struct Replay {
        private var open: [String: (accepted: Timestamp, webSocket: Bool, attendee: Int?)] = [:]
        private var closures: [ConnectionLogEvent] = []
        private var last: Timestamp?

        mutating func take(_ line: Line) {
            switch line.event {
            case "started":
                closeAll(at: last)
            case "accepted":
                guard let id = line.connection else { break }
                if let leftover = open[id], let last {
                    closures.append(ConnectionLogRecovery.closure(id, leftover, at: last))
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

        /// The closures, once every line was taken.
        mutating func finish() -> [ConnectionLogEvent] {
            closeAll(at: last)
            return closures
        }

        private mutating func closeAll(at time: Timestamp?) {
            // In the order they were accepted, so the lines read like the rest of the log.
            let left = open.sorted { ($0.value.accepted, $0.key) < ($1.value.accepted, $1.key) }
            open.removeAll()
            guard let time else { return }
            for (id, state) in left { closures.append(ConnectionLogRecovery.closure(id, state, at: time)) }
        }
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

    /// Where `"key":` ends in `line`: looked at `expected` first (where the log writes it), else searched for.
    private static func valueStart(_ key: StaticString, in line: UnsafeRawBufferPointer, at expected: Int? = nil) -> Int? {
        let keyBytes = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        func matches(at i: Int) -> Bool {
            guard i >= 0, i + keyBytes.count + 3 <= line.count, line[i] == 0x22,
                  line[i + 1 + keyBytes.count] == 0x22, line[i + 2 + keyBytes.count] == 0x3A else { return false }
            for k in 0..<keyBytes.count where line[i + 1 + k] != keyBytes[k] { return false }
            return true
        }
        if let expected, matches(at: expected) { return expected + keyBytes.count + 3 }
        var i = 0
        while i + keyBytes.count + 3 <= line.count {
            if matches(at: i) { return i + keyBytes.count + 3 }
            i += 1
        }
        return nil
    }

    /// The bytes of a string field (our values never hold an escaped quote where recovery looks).
    private static func string(_ key: StaticString, in line: UnsafeRawBufferPointer, at expected: Int? = nil) -> UnsafeRawBufferPointer? {
        guard let start = valueStart(key, in: line, at: expected), start < line.count, line[start] == 0x22 else { return nil }
        var end = start + 1
        while end < line.count && line[end] != 0x22 { end += 1 }
        guard end < line.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: line[(start + 1)..<end])
    }

    private static func number(_ key: StaticString, in line: UnsafeRawBufferPointer) -> Int? {
        guard let start = valueStart(key, in: line) else { return nil }
        var value = 0, end = start
        while end < line.count, end - start < 18, line[end] >= 0x30 && line[end] <= 0x39 {
            value = value * 10 + Int(line[end] - 0x30)
            end += 1
        }
        return end > start ? value : nil
    }
}
