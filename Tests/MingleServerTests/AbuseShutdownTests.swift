import Dispatch
import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer

/// Regressions found by `scripts/abuse.py`.
@Suite(.serialized) struct AbuseShutdownTests {
    /// Found by scripts/abuse.py ("SIGTERM under load"): an announcement the admin API had
    /// already accepted when SIGTERM came reached only some attendees (59 of 100), because the
    /// connection loops said goodbye (1001) before the hub had handed them its last deliveries.
    @Test func announcementAcceptedBeforeShutdownReachesEveryAttendeeBefore1001() throws {
        for attempt in 0..<2 {
            let s = try TestServer(echo: false, withEvent: true) { $0.loops = 2 }
            var sockets: [TestWebSocket] = []
            for i in 0..<24 {
                let ws = TestWebSocket(stream: try BlockingClient(port: s.port))
                try ws.open(path: "/ws", host: "127.0.0.1:\(s.port)", extraHeaders: ["Origin: http://127.0.0.1:\(s.port)"])
                try ws.send(.text(#"{"type":"join","name":"Attendee \#(i)","attributes":{"region":"viken"}}"#))
                while let f = try ws.receiveFrame(), !String(decoding: f.payload, as: UTF8.self).contains("\"welcome\"") {}
                sockets.append(ws)
            }
            let hub = try #require(s.server.hub)
            let server = s.server
            let stopped = DispatchSemaphore(value: 0)
            // A busy hub (here: a job that holds its thread for 50 ms) still has the announcement
            // in its inbox when the signal comes; the admin API has already answered 200.
            hub.withHub { _ in usleep(50_000) }
            hub.submit(.announce(text: "last words", scope: .everyone, room: nil, by: "test", reply: { _ in }))
            Thread { server.shutdown(grace: .seconds(1)); stopped.signal() }.start()
            var heard = 0
            var goodbyes = 0
            for ws in sockets {
                var sawAnnouncement = false
                while let f = try ws.receiveFrame() {
                    if f.opcode == 8 {
                        goodbyes += f.closeCode == 1001 ? 1 : 0
                        try? ws.send(.close(1001))
                        break
                    }
                    if String(decoding: f.payload, as: UTF8.self).contains("last words") { sawAnnouncement = true }
                }
                heard += sawAnnouncement ? 1 : 0
            }
            stopped.wait()
            #expect(heard == sockets.count, "attempt \(attempt): \(heard) of \(sockets.count) heard the announcement")
            #expect(goodbyes == sockets.count)
        }
    }

    /// Stopping twice (tests do, through `defer`) returns at once: the hub is not waited for again.
    @Test func secondShutdownReturns() throws {
        let s = try TestServer(echo: false, withEvent: true)
        s.stop()
        let started = ContinuousClock.now
        s.stop()
        #expect(ContinuousClock.now - started < .seconds(1), "the second stop waits for nothing")
        #expect(s.logLines.all.filter { $0.contains("stopped") }.count == 1, "one shutdown, logged once")
        #expect(s.logLines.all.filter { $0.contains("shutting_down") }.count == 1)
    }
}
