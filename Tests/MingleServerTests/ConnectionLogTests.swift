#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MingleTestSupport
import Mingling
import Testing
@testable import MingleServer

/// The connection log over real sockets: one accepted and one closed line per connection, with
/// the exact bytes and messages each way, and nothing lost on a clean shutdown.
@Suite struct ConnectionLogTests {
    func lines(_ s: TestServer) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: s.directory.path + "/var/connections.jsonl", encoding: .utf8)
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Events reach the writer thread in batches, up to 50 ms late: a batch still waiting when the
    /// log closes is written by `close()` (and its timer does not keep the writer loop alive, which
    /// LeakSanitizer checks in `scripts/test-sanitizers address`).
    @Test func closeWritesTheBatchStillWaiting() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/connections.jsonl"
        let log = try ConnectionLog(path: path, maxFileBytes: 1 << 20, privacy: Privacy(),
                                    wallClock: { Timestamp(secondsSinceEpoch: 1_796_032_800) },
                                    reportFailure: { failure in Issue.record("\(failure)") })
        for connection in 1...100 as ClosedRange<UInt64> {
            log.record(ConnectionLogEvent(.accepted, at: Timestamp(secondsSinceEpoch: 1_796_032_800), connection: connection))
        }
        log.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let conns = text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["conn"] as? String
        }
        #expect(conns == (1...100).map { String($0, radix: 16) })
    }

    /// In a wave of joins a batch does not wait the 50 ms: at `handOffBatch` events it goes to the
    /// writer at once, so the events (and the holes they leave in the connection loop's heap) stay few.
    @Test func aFullBatchGoesToTheWriterAtOnce() throws {
        let dir = TemporaryDirectory()
        let log = try ConnectionLog(path: dir.path + "/connections.jsonl", maxFileBytes: 1 << 20, privacy: Privacy(),
                                    wallClock: { Timestamp(secondsSinceEpoch: 1_796_032_800) },
                                    reportFailure: { failure in Issue.record("\(failure)") })
        defer { log.close() }
        for connection in 1...ConnectionLog.handOffBatch {
            log.record(ConnectionLogEvent(.accepted, at: Timestamp(secondsSinceEpoch: 1_796_032_800), connection: UInt64(connection)))
        }
        log.waitForWriter()
        #expect(log.eventsWritten.load(ordering: .relaxed) == ConnectionLog.handOffBatch)
    }

    @Test func oneAcceptedAndOneClosedLinePerConnectionWithExactCounts() throws {
        let s = try TestServer(echo: true)
        // 1: an HTTP request.
        let http = try BlockingClient(port: s.port)
        let request = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: log-test\r\nConnection: close\r\n\r\n".utf8)
        try http.send(request)
        let httpReply = try http.receiveUntilClose()
        http.close()
        // 2: a WebSocket with two messages each way and a clean close.
        let tcp = try BlockingClient(port: s.port)
        let ws = TestWebSocket(stream: tcp)
        let upgrade = Array(TestWebSocket.upgradeRequest(path: "/echo").utf8)
        var sent = upgrade.count
        var received = 0
        received += Array(try ws.open(path: "/echo").utf8).count + ws.buffered.count  // the head includes its blank line
        for text in ["one", "two"] {
            let f = TestFrame.text(text)
            try ws.send(f)
            sent += f.encoded().count
        }
        let close = TestFrame.close(1000, "bye")
        try ws.send(close)
        sent += close.encoded().count
        received += try tcp.receiveUntilClose().count
        tcp.close()
        // 3: connect and leave without a byte.
        try BlockingClient(port: s.port).close()
        s.stop()

        let all = try lines(s)
        let accepted = all.filter { $0["event"] as? String == "accepted" }
        let closed = all.filter { $0["event"] as? String == "closed" }
        #expect(accepted.count == 3 && closed.count == 3)
        #expect(Set(accepted.compactMap { $0["conn"] as? String }) == Set(closed.compactMap { $0["conn"] as? String }))
        #expect(accepted.allSatisfy { $0["remote"] as? String == "127.0.0.0" }, "truncated by default")

        let request0 = try #require(all.first { $0["event"] as? String == "request" })
        #expect(request0["path"] as? String == "/healthz" && request0["status"] as? Int == 200 && request0["userAgent"] as? String == "log-test")
        let httpClosed = try #require(closed.first { $0["conn"] as? String == request0["conn"] as? String })
        #expect(httpClosed["bytesIn"] as? Int == request.count)
        #expect(httpClosed["bytesOut"] as? Int == httpReply.count)
        #expect(httpClosed["closedBy"] as? String == "server")

        let up = try #require(all.first { $0["event"] as? String == "upgrade" })
        #expect(up["path"] as? String == "/echo" && up["status"] as? Int == 101)
        let wsClosed = try #require(closed.first { $0["conn"] as? String == up["conn"] as? String })
        #expect(wsClosed["bytesIn"] as? Int == sent)
        #expect(wsClosed["bytesOut"] as? Int == received)
        #expect(wsClosed["messagesIn"] as? Int == 2 && wsClosed["messagesOut"] as? Int == 2)
        #expect(wsClosed["closedBy"] as? String == "client" && wsClosed["code"] as? Int == 1000 && wsClosed["reason"] as? String == "bye")
        #expect((wsClosed["durationMs"] as? Int ?? -1) >= 0)
    }

    @Test func tlsLinesNameVersionAndCipherAndAttendeesAreNamed() throws {
        let s = try AdminFixture.server(ipLogging: "off")
        let a = try TestAttendee(port: s.port, name: "Kari", region: "viken")
        a.client.close()
        s.stop()
        let all = try lines(s)
        #expect(all.filter { $0["event"] as? String == "accepted" }.allSatisfy { $0["remote"] == nil }, "ipLogging off")
        let joined = try #require(all.first { $0["event"] as? String == "joined" })
        #expect(joined["attendee"] as? Int == a.id)
        let closed = try #require(all.first { $0["event"] as? String == "closed" && $0["conn"] as? String == joined["conn"] as? String })
        #expect(closed["attendee"] as? Int == a.id)

        let t = try TestServer(tls: true, echo: true)
        let tls = try BlockingTLSClient(port: t.port, caFile: t.certificates!.caPath)
        let ws = TestWebSocket(stream: tls)
        #expect(try ws.open().hasPrefix("HTTP/1.1 101"))
        try ws.send(.close(1000, ""))
        _ = try ws.receiveFrame()
        t.stop()
        let tlsLine = try #require(try lines(t).first { $0["event"] as? String == "tls" })
        #expect((tlsLine["tlsVersion"] as? String)?.hasPrefix("TLSv1.") == true)
        #expect(!(tlsLine["cipher"] as? String ?? "").isEmpty)
    }

    @Test func failedTLSHandshakeIsLoggedWithItsReason() throws {
        let s = try TestServer(tls: true, echo: true)
        let c = try BlockingClient(port: s.port)
        try c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try c.receiveUntilClose()
        c.close()
        s.stop()
        let all = try lines(s)
        let failed = try #require(all.first { $0["event"] as? String == "tls_failed" })
        #expect(!(failed["error"] as? String ?? "").isEmpty)
        let closed = try #require(all.first { $0["event"] as? String == "closed" && $0["conn"] as? String == failed["conn"] as? String })
        #expect(closed["closedBy"] as? String == "server" && closed["bytesIn"] as? Int == 27)
    }

    /// A WebSocket that ends without a close frame was dropped by the network, not closed by the
    /// client: `closedBy: "network"`, code 1006, and with a reset the `error` that says so. The
    /// server's own lines open and end the log.
    @Test func aWebSocketDroppedWithoutACloseFrameIsANetworkDrop() throws {
        let s = try TestServer(echo: true)
        for reset in [false, true] {
            let tcp = try BlockingClient(port: s.port)
            let ws = TestWebSocket(stream: tcp)
            _ = try ws.open(path: "/echo")
            try ws.send(.text("hi"))
            _ = try ws.receiveFrame()
            if reset { tcp.reset() } else { tcp.close() }
        }
        // One loop takes events in the order they happened: once a later request is answered, both
        // drops have been seen (before shutdown's goodbyes could make them the server's).
        let probe = try BlockingClient(port: s.port)
        try probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        _ = try probe.receiveUntilClose()
        s.stop()
        let all = try lines(s)
        #expect(all.first?["event"] as? String == "started" && all.first?["pid"] as? Int == Int(getpid()))
        #expect(all.last?["event"] as? String == "stopped")
        let upgrades = all.filter { $0["event"] as? String == "upgrade" }
        let conns = upgrades.compactMap { $0["conn"] as? String }
        let closed = conns.compactMap { c in all.first { $0["event"] as? String == "closed" && $0["conn"] as? String == c } }
        #expect(closed.count == 2)
        #expect(closed.allSatisfy { $0["closedBy"] as? String == "network" && $0["code"] as? Int == 1006 })
        #expect(closed.first?["error"] == nil, "an end of stream without a close frame is no socket error")
        #expect((closed.last?["error"] as? String)?.hasPrefix("recv: Connection reset by peer") == true)
    }
}
