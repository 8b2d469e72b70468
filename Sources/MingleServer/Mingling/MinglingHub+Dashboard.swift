import Mingling

/// One point of the dashboard's charts, taken on the hub once a second.
struct DashboardSample {
    var at: Int64
    var connected = 0
    var lobby = 0
    var waiting = 0
    var inBreakout = 0
    var breakouts = 0
    var openConnections = 0
    var messagesPerSecond = 0.0
    var bytesInPerSecond = 0.0
    var bytesOutPerSecond = 0.0
    var loopLagP99Milliseconds = 0.0
    var residentBytes = 0

    func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("t", at)
        w.field("connected", connected)
        w.field("lobby", lobby)
        w.field("waiting", waiting)
        w.field("inBreakout", inBreakout)
        w.field("breakouts", breakouts)
        w.field("openConnections", openConnections)
        w.key("messagesPerSecond"); w.number(messagesPerSecond)
        w.key("bytesInPerSecond"); w.number(bytesInPerSecond)
        w.key("bytesOutPerSecond"); w.number(bytesOutPerSecond)
        w.key("loopLagP99Ms"); w.number(loopLagP99Milliseconds)
        w.field("residentBytes", residentBytes)
        w.endObject()
    }
}

/// The last 15 minutes of samples (a ring), so a dashboard opened late still draws its charts.
struct DashboardHistory {
    static let capacity = 900
    static let interval: Duration = .seconds(1)
    private(set) var samples: [DashboardSample] = []
    private var next = 0
    var started = false
    var previous: (at: ContinuousClock.Instant, messages: Int, bytesIn: Int, bytesOut: Int)?

    mutating func add(_ s: DashboardSample) {
        if samples.count < Self.capacity { samples.append(s) } else { samples[next] = s }
        next = (next + 1) % Self.capacity
    }

    var ordered: [DashboardSample] {
        samples.count < Self.capacity ? samples : Array(samples[next...] + samples[..<next])
    }

    var latest: DashboardSample? {
        samples.isEmpty ? nil : samples[(next + samples.count - 1) % samples.count]
    }
}

extension MinglingHub {
    /// Sets up the once-a-second sampling, the presence broadcast and the hub loop's lag probe.
    /// They run while attendees are connected and stop when the event is idle (no wake-ups);
    /// `bind` pokes them again.
    func startDashboardSampling(stats: ServerStats) {
        guard !dashboard.started else { return }
        dashboard.started = true
        let busy: () -> Bool = { [unowned self] in !self.links.isEmpty }
        busyTimers = [
            LoopLagProbe.make(on: loop, recorder: stats.loopLag, isBusy: busy),
            WhileBusyTimer(loop: loop, interval: DashboardHistory.interval, isBusy: busy) { [unowned self] _ in
                self.dashboard.add(self.takeSample(stats: stats))
            },
            WhileBusyTimer(loop: loop, interval: .seconds(2), isBusy: busy) { [unowned self] _ in
                self.presenceTick()
            },
        ]
        dashboard.add(takeSample(stats: stats))
    }

    func takeSample(stats: ServerStats) -> DashboardSample {
        var s = DashboardSample(at: wallClock().millisecondsSinceEpoch)
        let census = AttendeeCensus(engine)
        s.connected = census.connected
        s.inBreakout = census.inBreakout
        s.waiting = census.waiting
        s.lobby = census.inLobby
        s.breakouts = engine.breakouts.count
        s.openConnections = stats.openConnections
        let now = ContinuousClock.now
        let messages = stats.messagesIn.load(ordering: .relaxed) + stats.messagesOut.load(ordering: .relaxed)
        let bytesIn = stats.socketBytesIn.load(ordering: .relaxed)
        let bytesOut = stats.socketBytesOut.load(ordering: .relaxed)
        if let p = dashboard.previous {
            let elapsed = now - p.at
            let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            s.messagesPerSecond = Double(messages - p.messages) / seconds
            s.bytesInPerSecond = Double(bytesIn - p.bytesIn) / seconds
            s.bytesOutPerSecond = Double(bytesOut - p.bytesOut) / seconds
        }
        dashboard.previous = (now, messages, bytesIn, bytesOut)
        s.loopLagP99Milliseconds = stats.loopLag.recentP99Milliseconds
        s.residentBytes = ProcessMemory.residentBytes() ?? 0
        return s
    }

    /// Server-wide fields for `/api/status` ("server" object), beyond the basics.
    func liveServerFields(_ w: inout JSONWriter, stats: ServerStats) {
        let latest = dashboard.latest
        w.field("connectionsOpened", stats.connectionsOpened.load(ordering: .relaxed))
        w.field("upgradesAccepted", stats.upgradesAccepted.load(ordering: .relaxed))
        w.field("upgradesRejected", stats.upgradesRejected.load(ordering: .relaxed))
        w.field("handshakeTimeouts", stats.handshakeTimeouts.load(ordering: .relaxed))
        w.field("slowConsumersClosed", stats.slowConsumersClosed.load(ordering: .relaxed))
        w.field("bytesIn", stats.socketBytesIn.load(ordering: .relaxed))
        w.field("bytesOut", stats.socketBytesOut.load(ordering: .relaxed))
        w.key("messagesPerSecond"); w.number(latest?.messagesPerSecond ?? 0)
        w.key("bytesInPerSecond"); w.number(latest?.bytesInPerSecond ?? 0)
        w.key("bytesOutPerSecond"); w.number(latest?.bytesOutPerSecond ?? 0)
        w.key("loopLagP99Ms"); w.number(stats.loopLag.recentP99Milliseconds)
        w.field("residentBytes", latest?.residentBytes ?? ProcessMemory.residentBytes() ?? 0)
        let up = ContinuousClock.now - stats.startedAt
        w.field("uptimeSeconds", Int(up.components.seconds))
    }

    /// What the dashboard needs to label things: rooms and their sessions (for "start mingling"), the
    /// attributes, and the share of breakouts spanning the pairing attribute.
    func liveFields(_ w: inout JSONWriter) {
        let totals = engine.rooms.map(\.totals)
        let formed = totals.reduce(0) { $0 + $1.breakoutsFormed }
        let spanning = totals.reduce(0) { $0 + $1.breakoutsSpanning }
        w.key("shares"); w.beginObject()
        w.key("breakoutsSpanningRegions")
        w.number(formed == 0 ? 0 : Double(spanning) / Double(formed))
        w.endObject()
        w.key("plan"); w.beginArray()
        for room in engine.plan.rooms {
            w.beginObject()
            w.field("id", room.id.rawValue)
            w.field("title", room.title)
            w.key("sessions"); w.beginArray()
            for s in room.sessions {
                w.beginObject()
                w.field("id", s.id.rawValue)
                w.field("title", s.title)
                w.field("start", s.start.millisecondsSinceEpoch)
                w.field("end", s.end.millisecondsSinceEpoch)
                w.field("mingles", s.mingle != nil)
                w.field("mingled", engine.hasMingled(s.id))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("attributes"); w.beginArray()
        for a in engine.plan.attributes {
            w.beginObject()
            w.field("id", a.id)
            w.field("label", a.label)
            w.field("multiple", a.multiple)
            w.key("values"); w.beginArray()
            for v in a.values {
                w.beginObject(); w.field("id", v.id); w.field("label", v.label); w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }

    /// The admin socket's first frame: the status and the charts' history.
    func dashboardHelloJSON(stats: ServerStats) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "hello")
        w.key("status"); w.raw(statusJSON(stats: stats))
        w.key("history"); w.beginArray()
        for s in dashboard.ordered { s.write(&w) }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// Every second: the status and the newest sample.
    func dashboardTickJSON(stats: ServerStats) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "stats")
        w.key("status"); w.raw(statusJSON(stats: stats))
        if let latest = dashboard.latest { w.key("sample"); latest.write(&w) }
        w.field("reports", engine.reports.count)
        w.endObject()
        return w.text
    }
}
