import Foundation
import EventLoop
import HTTP1
import Mingling

/// What the connection log needs to remember about one connection until it closes.
struct ConnectionLogState {
    /// Messages each way (saturating: a connection would need 4 billion to reach the top).
    var messagesIn: UInt32 = 0
    var messagesOut: UInt32 = 0
    /// Socket bytes already added to the process-wide counters.
    var reportedBytesIn: UInt64 = 0
    var reportedBytesOut: UInt64 = 0
    var reason: String?
    /// The close code (a WebSocket's, 1000-4999).
    var code: Int32?
    var attendee: UInt32?
    var closedBy: ConnectionLogEvent.ClosedBy?

    mutating func countMessageIn() { if messagesIn < .max { messagesIn += 1 } }
    mutating func countMessageOut() { if messagesOut < .max { messagesOut += 1 } }
}

/// The connection log's hooks (README.md, "Connection log"). Each builds an event from what the
/// connection already knows and hands it to the log's thread; nothing here touches the disk.
extension ServerConnection {
    private func event(_ kind: ConnectionLogEvent.Kind, _ connection: Connection) -> ConnectionLogEvent {
        ConnectionLogEvent(kind, at: WallClock.now(), connection: connection.id.rawValue)
    }

    func logAccepted(_ connection: Connection) {
        guard let log = shared.connectionLog else { return }
        var e = event(.accepted, connection)
        e.remote = connection.remoteAddress?.hostText
        e.listener = connection.listenerTag
        log.record(e)
    }

    func logTLS(_ connection: Connection, failure: String? = nil) {
        guard let log = shared.connectionLog else { return }
        var e = event(failure == nil ? .tls : .tlsFailed, connection)
        if let failure { e.error = failure } else {
            e.tlsVersion = tls?.negotiatedVersion
            e.cipher = tls?.cipher
        }
        log.record(e)
    }

    /// An HTTP request answered, or an upgrade accepted (101) or refused.
    func logRequest(_ head: HTTPRequestHead, status: Int, upgrade: Bool, _ connection: Connection) {
        guard let log = shared.connectionLog else { return }
        var e = event(upgrade ? .upgrade : .request, connection)
        e.method = head.method
        e.path = shared.settings.base.mount(of: head) + head.path
        e.status = status
        e.userAgent = head.headers["user-agent"]
        e.origin = head.headers["origin"]
        e.forwardedFor = ClientAddress.forwarded(head, settings: shared.settings)
        log.record(e)
    }

    func logJoined(_ id: AttendeeID, room: RoomID?, _ connection: Connection) {
        logState.attendee = id.rawValue
        guard let log = shared.connectionLog else { return }
        var e = event(.joined, connection)
        e.attendee = id.rawValue
        e.room = room?.rawValue
        log.record(e)
    }

    /// The attendee moved to another room (or out of every room: no `room` field).
    func logRoom(_ room: RoomID?, _ connection: Connection) {
        guard let log = shared.connectionLog, let attendee = logState.attendee else { return }
        var e = event(.room, connection)
        e.attendee = attendee
        e.room = room?.rawValue
        log.record(e)
    }

    /// Remembers the first reason the connection is ending (later ones are consequences).
    func noteClosing(by who: ConnectionLogEvent.ClosedBy, code: Int? = nil, reason: String? = nil) {
        guard logState.closedBy == nil else { return }
        logState.closedBy = who
        logState.code = code.map { Int32(clamping: $0) }
        logState.reason = reason
    }

    /// What this connection moved since the last report: (in, out).
    func unreportedSocketBytes(_ connection: Connection) -> (Int, Int) {
        defer {
            logState.reportedBytesIn = connection.bytesReceived
            logState.reportedBytesOut = connection.bytesSent
        }
        return (Int(connection.bytesReceived &- logState.reportedBytesIn), Int(connection.bytesSent &- logState.reportedBytesOut))
    }

    func logClosed(_ connection: Connection, error: SystemError?) {
        let (bytesIn, bytesOut) = unreportedSocketBytes(connection)
        shared.stats.socketBytes(in: bytesIn, out: bytesOut)
        guard let log = shared.connectionLog else { return }
        var e = event(.closed, connection)
        // Nothing noted: a socket error says whether the network or we failed; without one, the loop
        // closed it (shutdown's last pass, an aborted write).
        e.closedBy = (logState.closedBy ?? error.map(ConnectionLogEvent.ClosedBy.of) ?? .server).rawValue
        e.code = logState.code.map(Int.init)
        e.reason = logState.reason
        if let error { e.error = "\(error)" }
        e.attendee = logState.attendee
        let lived = ContinuousClock.now - connection.openedAt
        e.durationMilliseconds = lived.components.seconds * 1000 + lived.components.attoseconds / 1_000_000_000_000_000
        e.bytesIn = connection.bytesReceived
        e.bytesOut = connection.bytesSent
        e.messagesIn = Int(logState.messagesIn)
        e.messagesOut = Int(logState.messagesOut)
        log.record(e)
    }
}

/// The client's address: the socket's peer, or, in plain mode behind a proxy, the last address
/// in the configured forwarded-for header (the one our own proxy appended; earlier ones are
/// whatever the client claimed). Never trusted by default.
enum ClientAddress {
    static func forwarded(_ head: HTTPRequestHead, settings: ServerSettings) -> String? {
        guard settings.plain, let name = settings.forwardedForHeader else { return nil }
        guard let value = head.headers.values(for: name).last else { return nil }
        let last = value.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return last.isEmpty ? nil : String(last.prefix(64))
    }

    static func of(_ head: HTTPRequestHead, connection: Connection, settings: ServerSettings) -> String {
        forwarded(head, settings: settings) ?? connection.remoteAddress?.hostText ?? "unknown"
    }
}
