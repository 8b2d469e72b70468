#if canImport(Glibc)
import Glibc
#endif
import EventLoop
import Mingling

/// One line of the connection log (see README.md, "Connection log"). Built on the connection's
/// loop from values it already has; encoded to JSON on the log's own thread.
struct ConnectionLogEvent: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        /// TCP accepted: remote address (per the privacy setting), local port, listener.
        case accepted
        /// TLS handshake finished (version, cipher) or failed (`error`).
        case tls, tlsFailed = "tls_failed"
        /// One HTTP request answered (method, path, status, user agent, origin).
        case request
        /// A WebSocket upgrade: `status` 101 when accepted, else the refusal's status.
        case upgrade
        /// The socket now speaks for an attendee (in `room`, when in one).
        case joined
        /// The attendee entered another room (no `room`: back in the event's lobby).
        case room
        /// Connection gone: who closed (`ClosedBy`), code and reason, duration, bytes and messages each way.
        case closed
        /// A call report from the attendee's browser (`call_report`): the partner, the outcome, direct or relay,
        /// milliseconds, the failure reason. Never an address.
        case call
        /// The server began writing this log (`pid`); every connection before it is closed.
        case started
        /// The server stopped cleanly: every connection it accepted has its `closed` line above.
        case stopped
    }

    /// Who ended a connection (`closedBy`).
    enum ClosedBy: String, Sendable, CaseIterable {
        /// The peer closed cleanly: a WebSocket close frame, or TCP's end of an HTTP connection.
        case client
        /// This server closed it (a close frame it sent, a timeout, a limit, shutdown).
        case server
        /// The transport ended without a close: a WebSocket dropped without a close frame (code 1006),
        /// a reset or a network timeout (`error` names it).
        case network
        /// A local failure (`error` names the syscall and errno).
        case error
        /// The server stopped without closing it (`kill -9`, a crash, a power loss); written at the
        /// next start with the time of the last line the stopped server wrote.
        case crash

        /// Errors that mean the peer or the path between us went away, not that we failed.
        static func of(_ error: SystemError) -> ClosedBy {
            [ECONNRESET, EPIPE, ETIMEDOUT, ECONNABORTED, EHOSTUNREACH, ENETUNREACH, ENETDOWN, EHOSTDOWN].contains(error.errno)
                ? .network : .error
        }
    }

    var kind: Kind
    var at: Timestamp
    /// nil on the server's own lines (`started`, `stopped`).
    var connection: UInt64?
    var remote: String?
    var listener: String?
    var tlsVersion: String?
    var cipher: String?
    var method: String?
    var path: String?
    var status: Int?
    var userAgent: String?
    var origin: String?
    /// The client address a trusted proxy reported (plain mode with `proxy.forwardedForHeader`).
    var forwardedFor: String?
    var attendee: UInt32?
    var room: String?
    var closedBy: String?
    var code: Int?
    var reason: String?
    var error: String?
    var durationMilliseconds: Int64?
    var bytesIn: UInt64?
    var bytesOut: UInt64?
    var messagesIn: Int?
    var messagesOut: Int?
    var peer: UInt32?
    var breakout: Int64?
    var outcome: String?
    var route: String?
    var milliseconds: Int?
    var pid: Int32?

    init(_ kind: Kind, at: Timestamp, connection: UInt64?) {
        self.kind = kind
        self.at = at
        self.connection = connection
    }

    /// Longest user agent, origin, path or reason kept; a client cannot make a line huge.
    static let maxFieldCharacters = 256

    /// The JSON line; addresses pass through `privacy` (nil fields are left out).
    func jsonLine(privacy: inout AddressPrivacy) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("time", UTCTime.format(at))
        w.field("event", kind.rawValue)
        if let connection { w.field("conn", String(connection, radix: 16)) }
        if let remote, let shown = privacy.show(remote, at: at) { w.field("remote", shown) }
        if let forwardedFor, let shown = privacy.show(forwardedFor, at: at) { w.field("forwardedFor", shown) }
        func text(_ k: String, _ v: String?) {
            // A value of at most that many bytes has at most that many characters: count them only beyond.
            guard let v else { return }
            let long = v.utf8.count > Self.maxFieldCharacters && v.count > Self.maxFieldCharacters
            w.field(k, long ? String(v.prefix(Self.maxFieldCharacters)) : v)
        }
        func number(_ k: String, _ v: Int?) { if let v { w.field(k, v) } }
        text("listener", listener)
        text("tlsVersion", tlsVersion)
        text("cipher", cipher)
        text("method", method)
        text("path", path)
        number("status", status)
        text("userAgent", userAgent)
        text("origin", origin)
        if let attendee { w.field("attendee", Int(attendee)) }
        text("room", room)
        text("closedBy", closedBy)
        number("code", code)
        text("reason", reason)
        text("error", error)
        if let durationMilliseconds { w.field("durationMs", durationMilliseconds) }
        if let bytesIn { w.field("bytesIn", Int64(clamping: bytesIn)) }
        if let bytesOut { w.field("bytesOut", Int64(clamping: bytesOut)) }
        number("messagesIn", messagesIn)
        number("messagesOut", messagesOut)
        if let breakout { w.field("breakout", breakout) }
        if let peer { w.field("peer", Int(peer)) }
        text("outcome", outcome)
        text("route", route)
        number("ms", milliseconds)
        if let pid { w.field("pid", Int(pid)) }
        w.endObject()
        return w.text
    }
}

extension ConnectionLogEvent {
    /// The `call` line of one report (the hub writes it; `LogSummary` reads it back).
    static func call(_ report: CallReport, from attendee: AttendeeID, breakout: BreakoutID, room: RoomID, link: AttendeeLink,
                     at now: Timestamp) -> ConnectionLogEvent {
        var e = ConnectionLogEvent(.call, at: now, connection: link.connection.rawValue)
        e.attendee = attendee.rawValue
        e.room = room.rawValue
        e.breakout = Int64(breakout.rawValue)
        e.peer = report.peer.rawValue
        e.outcome = report.outcomeName
        switch report.outcome {
        case .started, .interrupted: break
        case .connected(let path, let ms), .recovered(let path, let ms):
            e.route = path.rawValue
            e.milliseconds = ms
        case .failed(let failure, let ms):
            e.reason = failure.rawValue
            e.milliseconds = ms
        }
        return e
    }
}
