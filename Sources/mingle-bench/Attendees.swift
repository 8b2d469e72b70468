import ArgumentParser
import BenchClient
import EventLoop

struct Attendees: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "N simulated attendees on /ws: join, get paired, chat, stay in touch, reconnect; admin rounds and announcements.",
        discussion: """
        The server must run an event whose session --session has a mingling plan, with the admin token given
        here (e.g. MINGLE_ADMIN_TOKEN). Timeline: join everyone, start mingling through the admin API, wait
        for every breakout, chat and ask to stay in touch for --chat-seconds while --reconnect of the
        attendees drop and resume, then send --announcements announcements one second apart.
        """)
    @OptionGroup var common: CommonOptions
    @Option(name: .short, help: "Attendees.") var n = 1000
    @Option(help: "Joins in progress at once.") var concurrency = 200
    @Option(help: "Admin token (Authorization: Bearer).") var adminToken: String
    @Option(help: "Session to start mingling in.") var session = "s1"
    @Option(help: "Seconds of chatting once paired.") var chatSeconds: Double = 6
    @Option(help: "Seconds between one attendee's chat messages.") var chatInterval: Double = 2
    @Option(help: "Fraction of attendees that drop and resume while chatting.") var reconnect: Double = 0.05
    @Option(help: "Announcements to send (one second apart).") var announcements = 3
    @Option(help: "Comma-separated values of the event's `region` attribute.") var regions = "viken,innlandet,madrid,lombardia,dublin"
    @Option(help: "Rooms room-0...room-(K-1) (the event must have them): attendee i joins room i mod K, and every room's mingling is started at once. 1: the event's only room.") var rooms = 1
    @Flag(help: "A network blip once everyone is placed: every attendee drops at once and reconnects with its resume token (and, with --tls, its TLS session ticket, as a browser does); all must be back in their breakouts.")
    var blip = false

    func run() throws {
        let target = try common.validated()
        guard (2...60_000).contains(n), (1...5000).contains(concurrency), (0...1).contains(reconnect), (1...200).contains(rooms),
              (0...20).contains(announcements), chatSeconds >= 0, chatSeconds <= 120, chatInterval >= 0.1 else {
            throw ValidationError("-n 2...60000, --concurrency 1...5000, --reconnect 0...1, --rooms 1...200, --announcements 0...20, --chat-seconds 0...120")
        }
        let settings = AttendeeSettings(
            count: n, concurrency: concurrency, adminToken: adminToken, session: session,
            chatSeconds: .milliseconds(Int64(chatSeconds * 1000)), chatInterval: .milliseconds(Int64(chatInterval * 1000)),
            reconnectFraction: reconnect, announcements: announcements,
            regions: regions.split(separator: ",").map(String.init), rooms: rooms, blip: blip)
        print(try Runner.run { loop, finish in
            AttendeesScenario(loop: loop, target: target, settings: settings, finish: finish)
        })
    }
}

struct AttendeeSettings: Sendable {
    let count: Int
    let concurrency: Int
    let adminToken: String
    let session: String
    let chatSeconds: Duration
    let chatInterval: Duration
    let reconnectFraction: Double
    let announcements: Int
    let regions: [String]
    let rooms: Int
    let blip: Bool

    /// The room attendee `tag` joins (nil with one room: the event's only room takes everyone).
    func room(of tag: Int) -> String? { rooms > 1 ? "room-\(tag % rooms)" : nil }
}

/// One simulated attendee's state.
final class Attendee {
    let tag: Int
    var client: WSClient?
    var id: Int?
    var token: String?
    var joinSentAt: ContinuousClock.Instant?
    var welcomed = false
    var partners: [Int] = []
    var breakoutAt: ContinuousClock.Instant?
    /// The breakout's id as text (ids are compared, not interpreted).
    var breakoutID: String?
    /// The TLS session kept from the last connection, offered when reconnecting.
    var resumption: ClientTLSResumption?
    var chatSent: [ContinuousClock.Instant] = []
    var resuming = false
    var contacts = 0
    var announcementsSeen = 0
    init(tag: Int) { self.tag = tag }
}
