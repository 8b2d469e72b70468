import Synchronization
import Mingling

/// `/metrics`: what operators graph and alert on (README.md, "Metrics").
enum Metrics {
    /// Process and connection metrics, known on any thread.
    static func server(_ p: inout PrometheusText, stats: ServerStats) {
        p.single("mingle_connections_open", .gauge, "TCP connections currently open.", stats.openConnections)
        p.single("mingle_connections_opened_total", .counter, "TCP connections accepted.", stats.connectionsOpened.load(ordering: .relaxed))
        p.single("mingle_tls_handshakes_total", .counter, "TLS handshakes completed.", stats.tlsHandshakes.load(ordering: .relaxed))
        p.single("mingle_tls_handshake_failures_total", .counter, "TLS handshakes that failed.", stats.tlsHandshakeFailures.load(ordering: .relaxed))
        p.single("mingle_handshake_timeouts_total", .counter,
                 "Connections closed before sending a request head in time (TLS included).", stats.handshakeTimeouts.load(ordering: .relaxed))
        p.single("mingle_http_requests_rejected_total", .counter, "Malformed or over-limit HTTP requests refused.",
                 stats.httpRequestsRejected.load(ordering: .relaxed))
        p.family("mingle_websocket_upgrades_total", .counter, "WebSocket upgrade requests by result.")
        p.sample("mingle_websocket_upgrades_total", ["result": "accepted"], stats.upgradesAccepted.load(ordering: .relaxed))
        p.sample("mingle_websocket_upgrades_total", ["result": "rejected"], stats.upgradesRejected.load(ordering: .relaxed))
        p.family("mingle_websocket_messages_total", .counter, "WebSocket messages by direction.")
        p.sample("mingle_websocket_messages_total", ["direction": "in"], stats.messagesIn.load(ordering: .relaxed))
        p.sample("mingle_websocket_messages_total", ["direction": "out"], stats.messagesOut.load(ordering: .relaxed))
        p.family("mingle_websocket_payload_bytes_total", .counter, "WebSocket message payload bytes by direction.")
        p.sample("mingle_websocket_payload_bytes_total", ["direction": "in"], stats.payloadBytesIn.load(ordering: .relaxed))
        p.sample("mingle_websocket_payload_bytes_total", ["direction": "out"], stats.payloadBytesOut.load(ordering: .relaxed))
        p.family("mingle_socket_bytes_total", .counter, "Bytes read from and written to sockets (TLS records included).")
        p.sample("mingle_socket_bytes_total", ["direction": "in"], stats.socketBytesIn.load(ordering: .relaxed))
        p.sample("mingle_socket_bytes_total", ["direction": "out"], stats.socketBytesOut.load(ordering: .relaxed))
        p.single("mingle_slow_consumers_closed_total", .counter, "Connections closed because they did not read their output.",
                 stats.slowConsumersClosed.load(ordering: .relaxed))
        let lag = stats.loopLag.histogram
        p.histogram("mingle_event_loop_lag_seconds", "How late each event loop ran a task scheduled every 500 ms.",
                    bounds: LoopLagRecorder.bucketBounds, cumulative: lag.cumulative, count: lag.count, sum: lag.sumSeconds)
        if let rss = ProcessMemory.residentBytes() {
            p.single("mingle_process_resident_memory_bytes", .gauge, "Resident memory of the server process.", rss)
        }
        let up = ContinuousClock.now - stats.startedAt
        p.single("mingle_uptime_seconds", .gauge, "Seconds since the server started.", Int(up.components.seconds))
    }
}

extension MinglingHub {
    /// Server metrics plus the event's, read on the hub thread. Per-room series carry a `room` label
    /// (at most 200 rooms, the event file's limit, so the label set stays bounded).
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func metricsText(stats: ServerStats) -> String {
        var p = PrometheusText()
        Metrics.server(&p, stats: stats)
        let census = AttendeeCensus(engine)
        p.single("mingle_attendees_registered", .gauge, "Attendees who joined the event (removed ones included).",
                 engine.allAttendees.count)
        p.family("mingle_attendees", .gauge, "Attendees present, by state (no_room, lobby, waiting and in_breakout add up to connected plus reconnecting).")
        p.sample("mingle_attendees", ["state": "connected"], census.connected)
        p.sample("mingle_attendees", ["state": "reconnecting"], census.reconnecting)
        p.sample("mingle_attendees", ["state": "no_room"], census.inNoRoom)
        p.sample("mingle_attendees", ["state": "lobby"], census.inLobby)
        p.sample("mingle_attendees", ["state": "waiting"], census.waiting)
        p.sample("mingle_attendees", ["state": "in_breakout"], census.inBreakout)
        p.family("mingle_attendees_by_attribute", .gauge, "Attendees present, by declared attribute value.")
        for (k, counts) in census.byAttribute.sorted(by: { $0.key < $1.key }) {
            for (v, n) in counts.sorted(by: { $0.key < $1.key }) {
                p.sample("mingle_attendees_by_attribute", ["attribute": k, "value": v], n)
            }
        }
        let rooms = RoomSummary.all(engine)
        p.family("mingle_room_attendees", .gauge, "Attendees present in each room, by state.")
        for r in rooms {
            let room = r.room.id.rawValue
            p.sample("mingle_room_attendees", ["room": room, "state": "lobby"], r.inLobby)
            p.sample("mingle_room_attendees", ["room": room, "state": "waiting"], r.waiting)
            p.sample("mingle_room_attendees", ["room": room, "state": "in_breakout"], r.inBreakouts)
        }
        p.family("mingle_room_mingling", .gauge, "1 while the room is mingling (a round running or between rounds).")
        for r in rooms { p.sample("mingle_room_mingling", ["room": r.room.id.rawValue], r.mingling == nil ? 0 : 1) }
        p.family("mingle_room_round", .gauge, "The room's current round (0 when not mingling).")
        for r in rooms { p.sample("mingle_room_round", ["room": r.room.id.rawValue], r.mingling?.round ?? 0) }
        p.family("mingle_room_breakouts_active", .gauge, "Breakouts running now in the room.")
        for r in rooms { p.sample("mingle_room_breakouts_active", ["room": r.room.id.rawValue], r.breakouts) }
        p.family("mingle_room_rounds_run_total", .counter, "Mingling rounds started in the room.")
        for r in rooms { p.sample("mingle_room_rounds_run_total", ["room": r.room.id.rawValue], r.totals.roundsRun) }
        p.family("mingle_room_breakouts_formed_total", .counter, "Breakouts formed in the room.")
        for r in rooms { p.sample("mingle_room_breakouts_formed_total", ["room": r.room.id.rawValue], r.totals.breakoutsFormed) }
        p.family("mingle_room_feedback_total", .counter, "Answers to \"Good conversation?\" after the room's breakouts, by answer.")
        for r in rooms {
            for answer in FeedbackAnswer.allCases {
                p.sample("mingle_room_feedback_total", ["room": r.room.id.rawValue, "answer": answer.rawValue], r.totals.feedback[answer])
            }
        }
        p.single("mingle_breakouts_active", .gauge, "Breakouts running now.", engine.breakouts.count)
        p.single("mingle_joining_paused", .gauge, "1 while organisers have paused joining.", engine.isJoiningPaused ? 1 : 0)
        p.single("mingle_rounds_run_total", .counter, "Mingling rounds started.", rooms.reduce(0) { $0 + $1.totals.roundsRun })
        p.single("mingle_breakouts_formed_total", .counter, "Breakouts formed.", rooms.reduce(0) { $0 + $1.totals.breakoutsFormed })
        p.single("mingle_breakouts_spanning_regions_total", .counter,
                 "Breakouts whose members span more than one value of the pairing attribute.",
                 rooms.reduce(0) { $0 + $1.totals.breakoutsSpanning })
        p.single("mingle_pairs_met_total", .counter, "Distinct pairs of attendees who have met.", engine.metPairCount)
        p.single("mingle_contact_exchanges_total", .counter, "Mutual stay-in-touch exchanges.", engine.totals.contactExchanges)
        p.single("mingle_reports_total", .counter, "Reports filed by attendees.", engine.reports.count)
        p.single("mingle_reconnects_total", .counter, "Attendees who came back with their resume token.", engine.totals.reconnects)
        callMetrics(&p, rooms: rooms.map(\.room.id))
        p.single("mingle_journal_writable", .gauge, "1 when the journal takes writes (0 while it fails and changes are refused).",
                 durability.failure == nil && journal.isWritable ? 1 : 0)
        p.single("mingle_journal_unsynced_wait_max_seconds", .gauge,
                 "Longest a journal line waited for its fsync to complete since the start: what a power loss could lose.",
                 Self.seconds(journal.longestUnsyncedWait))
        p.single("mingle_journal_fsync_max_seconds", .gauge, "Longest journal fsync since the start.", Self.seconds(journal.longestFsync))
        p.single("mingle_journal_failures_total", .counter, "Times the journal failed (a write or fsync refused) since the start.",
                 durability.failures)
        return p.text
    }
}

extension MinglingHub {
    /// Bounds of `mingle_call_connect_seconds`: ICE on a good network takes well under a second, a relay a little
    /// more, and browsers give up after about 15 s.
    static let callConnectBuckets: [Double] = [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30]

    /// Calls as the browsers report them (Turn/CallReport.swift): counts per room and for the event, the time
    /// to connect as a histogram and its median.
    func callMetrics(_ p: inout PrometheusText, rooms: [RoomID]) {
        let event = calls.tally()
        p.family("mingle_calls_total", .counter, "Breakout calls as browsers report them, by outcome (relayed: connected through the TURN relay; dropped: connected, then lost for good).")
        Self.callSamples(&p, "mingle_calls_total", event, room: nil)
        p.family("mingle_room_calls_total", .counter, "Breakout calls in each room as browsers report them, by outcome.")
        for room in rooms { Self.callSamples(&p, "mingle_room_calls_total", calls.tally(room: room), room: room.rawValue) }
        p.family("mingle_call_failures_total", .counter, "Calls that never connected, by the reason the browser gave.")
        for f in CallReport.Failure.allCases { p.sample("mingle_call_failures_total", ["reason": f.rawValue], event.failures[f] ?? 0) }
        let seconds = event.connectMilliseconds.map { Double($0) / 1000 }
        let cumulative = Self.callConnectBuckets.map { bound in seconds.filter { $0 <= bound }.count }
        p.histogram("mingle_call_connect_seconds", "Time from the start of a call (offer and answer exchanged) to connected.",
                    bounds: Self.callConnectBuckets, cumulative: cumulative, count: seconds.count, sum: seconds.reduce(0, +))
        p.single("mingle_call_connect_median_seconds", .gauge, "Median time to connect of the calls so far (0 before the first).",
                 Double(event.medianConnectMilliseconds ?? 0) / 1000)
    }

    private static func callSamples(_ p: inout PrometheusText, _ name: String, _ t: CallStats.Tally, room: String?) {
        let values = [("started", t.started), ("connected", t.connected), ("relayed", t.relayed), ("failed", t.failed),
                      ("dropped", t.dropped), ("recovered", t.recoveries)]
        for (outcome, n) in values {
            if let room { p.sample(name, ["room": room, "outcome": outcome], n) } else { p.sample(name, ["outcome": outcome], n) }
        }
    }
}
