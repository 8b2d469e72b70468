import Mingling

/// What a browser says about one of its calls (`call_report`, ClientProtocol/README.md): how it connected and
/// how long that took, or why it did not. Never media, never an address: the path is only `direct` or `relay`,
/// the reason one of a fixed few.
struct CallReport: Sendable, Equatable {
    enum Path: String, Sendable, CaseIterable { case direct, relay }

    enum Failure: String, Sendable, CaseIterable {
        /// ICE tried every candidate pair and none answered (firewalls, no relay configured).
        case iceFailed = "ice_failed"
        /// The TURN server refused the credential (401/403): a wrong secret, an expired credential, clocks apart.
        case relayRefused = "relay_refused"
        /// The TURN server could not be reached (blocked port, DNS, TLS).
        case relayUnreachable = "relay_unreachable"
        /// Nothing conclusive in time (the page gives up after 30 s).
        case timeout
    }

    enum Outcome: Sendable, Equatable {
        /// Offer and answer exchanged: the browsers try to connect.
        case started
        /// Connected for the first time, `milliseconds` after it started.
        case connected(Path, milliseconds: Int)
        /// The connection was lost; the browser tries to restore it (ICE restart).
        case interrupted
        /// Connected again after a loss (ICE restart, network change), `milliseconds` after the loss.
        case recovered(Path, milliseconds: Int)
        /// Gave up, `milliseconds` after it started (or after the loss).
        case failed(Failure, milliseconds: Int)
    }

    /// The partner this call is with (a member of the reporter's breakout).
    var peer: AttendeeID
    var outcome: Outcome

    /// Reports per connection: 30 at once (a group of six starts five calls, each with two reports), then one
    /// every 2 s. Beyond it: `error` `rate_limited`.
    static let burst = 30.0
    static let perSecond = 0.5

    var outcomeName: String {
        switch outcome {
        case .started: "started"
        case .connected: "connected"
        case .interrupted: "interrupted"
        case .recovered: "recovered"
        case .failed: "failed"
        }
    }
}

/// The calls of the event as the browsers report them, counted per room: started, connected (directly or
/// through the relay), failed to connect, dropped (connected, then lost for good), recovered (came back after a
/// loss), and how long connecting took. Both members of a call report it; a call is counted once, by its
/// breakout and its two members.
///
/// Not in the engine: these are observations of the network, not the event's record. Nothing the engine
/// decides depends on them, replaying the journal would not reproduce them, and they are not worth an fsync.
/// The hub keeps the live numbers (lost on a restart; browsers report the calls they make after it), and every
/// report is also a line of the connection log, which `mingle logs summary` feeds through this same type.
struct CallStats: Sendable, Equatable {
    struct Key: Hashable, Sendable {
        var breakout: BreakoutID
        var low: AttendeeID
        var high: AttendeeID

        init(breakout: BreakoutID, _ a: AttendeeID, _ b: AttendeeID) {
            self.breakout = breakout
            low = a.rawValue < b.rawValue ? a : b
            high = a.rawValue < b.rawValue ? b : a
        }
    }

    enum State: Sendable, Equatable {
        case connecting, connected, interrupted, failed, dropped
    }

    struct Call: Sendable, Equatable {
        var room: RoomID
        var state: State = .connecting
        /// The last path reported (a call may move between direct and relay after an ICE restart).
        var path: CallReport.Path?
        /// Ever connected (a later failure makes it a dropped call, not a failed one).
        var connected = false
        var connectMilliseconds: Int?
        var recoveries = 0
        var failure: CallReport.Failure?
    }

    /// The numbers organisers see (per room, or for the event).
    struct Tally: Sendable, Equatable {
        var started = 0
        var connected = 0
        /// Of the connected calls, those whose current (last reported) path is the relay.
        var relayed = 0
        /// Never connected.
        var failed = 0
        /// Connected, then lost and not back.
        var dropped = 0
        var recoveries = 0
        /// Time to connect of every connected call, in milliseconds, sorted.
        var connectMilliseconds: [Int] = []
        /// Why the calls that never connected failed.
        var failures: [CallReport.Failure: Int] = [:]

        var medianConnectMilliseconds: Int? {
            connectMilliseconds.isEmpty ? nil : connectMilliseconds[(connectMilliseconds.count - 1) / 2]
        }

        /// Percent of connected calls that went through the relay (nil before any connected).
        var relayPercent: Int? { connected == 0 ? nil : (relayed * 100 + connected / 2) / connected }
    }

    /// Calls tracked at most: a day of a large event (2,000 attendees, 20 rounds of groups of six is 50,000
    /// calls). Reports about further calls are not counted (`untracked` says how many).
    static let maximumCalls = 100_000

    private(set) var calls: [Key: Call] = [:]
    private(set) var untracked = 0

    /// Both members report each step; the state machine counts each step once when the reports arrive in the
    /// usual order (both see a loss before either sees the recovery).
    mutating func record(_ report: CallReport, from attendee: AttendeeID, breakout: BreakoutID, room: RoomID) {
        let key = Key(breakout: breakout, attendee, report.peer)
        guard var call = calls[key] ?? (calls.count < Self.maximumCalls ? Call(room: room) : nil) else {
            untracked += 1
            return
        }
        switch report.outcome {
        case .started:
            break
        case .connected(let path, let ms):
            // The first report sets the time to connect. A call that connects again from scratch (a member
            // reloaded the page) after it was lost or given up has recovered.
            if call.connectMilliseconds == nil { call.connectMilliseconds = ms }
            if call.connected, call.state != .connected { call.recoveries += 1 }
            call.connected = true
            call.state = .connected
            call.path = path
        case .interrupted:
            if call.state == .connected { call.state = .interrupted }
        case .recovered(let path, _):
            if call.connected, call.state != .connected { call.recoveries += 1 }
            call.connected = true
            call.state = .connected
            call.path = path
        case .failed(let failure, _):
            call.state = call.connected ? .dropped : .failed
            call.failure = failure
        }
        calls[key] = call
    }

    /// The numbers for one room, or for the whole event (nil).
    func tally(room: RoomID? = nil) -> Tally {
        var t = Tally()
        for call in calls.values where room == nil || call.room == room {
            t.started += 1
            t.recoveries += call.recoveries
            if call.connected {
                t.connected += 1
                if let ms = call.connectMilliseconds { t.connectMilliseconds.append(ms) }
                if call.path == .relay { t.relayed += 1 }
                if call.state == .dropped { t.dropped += 1 }
            } else if call.state == .failed {
                t.failed += 1
                if let f = call.failure { t.failures[f, default: 0] += 1 }
            }
        }
        t.connectMilliseconds.sort()
        return t
    }

    var rooms: [RoomID] { Array(Set(calls.values.map(\.room))).sorted { $0.rawValue < $1.rawValue } }
}
