import EventLoop
import Mingling
import TLS

/// A Sendable way to reach the hub from any thread.
struct HubHandle: Sendable {
    let loop: LoopHandle<MinglingHub>
    /// The `hello` every attendee socket gets first, and the rooms; kept current by the hub.
    let greeting: Greeting
    /// Keys that open a room's display page and poster without an admin session.
    let displayKeys: DisplayKeys

    func submit(_ input: HubInput) {
        loop.execute { _, hub in hub.receive(input) }
    }

    /// Runs `body` on the hub's thread (for read-only snapshots).
    func withHub(_ body: @escaping @Sendable (MinglingHub) -> Void) {
        loop.execute { _, hub in body(hub) }
    }

    /// What the dashboard needs to open a room's display and poster: the room's key and their paths
    /// (under `mount`, the base path the dashboard was reached through, or "").
    func displayAccess(_ room: RoomID, mount: String = "") -> String {
        var w = JSONWriter()
        w.beginObject()
        let key = displayKeys.key(for: room)
        w.field("room", room.rawValue)
        w.field("key", key)
        w.field("link", "\(mount)/r/\(room.rawValue)")
        w.field("display", "\(mount)/r/\(room.rawValue)/display?key=\(key)")
        w.field("poster", "\(mount)/r/\(room.rawValue)/poster?key=\(key)")
        w.endObject()
        return w.text
    }
}

/// The event as the join form needs it, re-encoded by the hub when the plan changes and read by every
/// connection loop when a socket opens; also the room ids, for routes that check a room exists.
final class Greeting: Sendable {
    private let fragment = Locked<String>("\"event\":null")
    private let rooms = Locked<[RoomID]>([])

    func update(_ plan: EventPlan) {
        var w = JSONWriter()
        w.beginObject()
        w.key("event"); ServerMessage.event(&w, plan)
        w.key("privacy"); w.beginObject()
        w.field("retentionDays", plan.privacy.retentionDays)
        w.field("ipLogging", plan.privacy.ipLogging.rawValue)
        w.endObject()
        w.endObject()
        // Keep the object's inside: `hello` adds its own type and time around it.
        let text = w.text
        fragment.withLock { $0 = String(text.dropFirst().dropLast()) }
        rooms.withLock { $0 = plan.rooms.map(\.id) }
    }

    var roomIDs: [RoomID] { rooms.withLock { $0 } }

    func hello(serverTime: Timestamp) -> [UInt8] {
        let inner = fragment.withLock { $0 }
        return Array("{\"type\":\"hello\",\"serverTime\":\(serverTime.millisecondsSinceEpoch),\(inner)}".utf8)
    }
}

/// A room's display key: HMAC-SHA-256 of the room id under the server secret, so it survives restarts,
/// differs per room, and opens nothing but that room's display page and poster.
struct DisplayKeys: Sendable {
    let secret: [UInt8]

    func key(for room: RoomID) -> String {
        let mac = HMACSHA256.authenticate(Array("room-display:\(room.rawValue)".utf8), key: secret)
        return String(SignedToken.base64url(mac).prefix(32))
    }

    func isValid(_ presented: String, for room: RoomID) -> Bool {
        HMACSHA256.constantTimeEqual(Array(presented.utf8), Array(key(for: room).utf8))
    }
}
