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
    /// Server metrics plus the event's, read on the hub thread.
    func metricsText(stats: ServerStats) -> String {
        var p = PrometheusText()
        Metrics.server(&p, stats: stats)
        let census = AttendeeCensus(engine)
        let (connected, reconnecting, inBreakout, waiting, byAttribute) =
            (census.connected, census.reconnecting, census.inBreakout, census.waiting, census.byAttribute)
        p.single("mingle_attendees_registered", .gauge, "Attendees who joined the event (removed ones included).",
                 engine.allAttendees.count)
        p.family("mingle_attendees", .gauge, "Attendees present, by state (lobby, waiting and in_breakout add up to connected plus reconnecting).")
        p.sample("mingle_attendees", ["state": "connected"], connected)
        p.sample("mingle_attendees", ["state": "reconnecting"], reconnecting)
        p.sample("mingle_attendees", ["state": "lobby"], max(0, connected + reconnecting - inBreakout - waiting))
        p.sample("mingle_attendees", ["state": "waiting"], waiting)
        p.sample("mingle_attendees", ["state": "in_breakout"], inBreakout)
        p.family("mingle_attendees_by_attribute", .gauge, "Attendees present, by declared attribute value.")
        for (k, counts) in byAttribute.sorted(by: { $0.key < $1.key }) {
            for (v, n) in counts.sorted(by: { $0.key < $1.key }) {
                p.sample("mingle_attendees_by_attribute", ["attribute": k, "value": v], n)
            }
        }
        p.single("mingle_breakouts_active", .gauge, "Breakouts running now.", engine.breakouts.count)
        p.single("mingle_joining_paused", .gauge, "1 while organisers have paused joining.", engine.isJoiningPaused ? 1 : 0)
        p.single("mingle_rounds_run_total", .counter, "Mingling rounds started.", counters.roundsRun)
        p.single("mingle_breakouts_formed_total", .counter, "Breakouts formed.", counters.breakoutsFormed)
        p.single("mingle_breakouts_spanning_regions_total", .counter,
                 "Breakouts whose members span more than one value of the pairing attribute.", counters.breakoutsSpanning)
        p.single("mingle_pairs_met_total", .counter, "Distinct pairs of attendees who have met.", engine.metPairCount)
        p.single("mingle_contact_exchanges_total", .counter, "Mutual stay-in-touch exchanges.", counters.contactExchanges)
        p.single("mingle_reports_total", .counter, "Reports filed by attendees.", engine.reports.count)
        p.single("mingle_reconnects_total", .counter, "Attendees who came back with their resume token.", counters.reconnects)
        p.single("mingle_journal_writable", .gauge, "1 when the journal can be written.", journal.isWritable ? 1 : 0)
        return p.text
    }
}
