import Foundation
import EventLoop
import Testing
import MingleTestSupport
@testable import MingleServer

final class MutexBox<T: Sendable>: Sendable {
    private let m: Locked<T>
    init(_ v: T) { m = Locked(v) }
    func with<R>(_ body: (inout T) -> R) -> R { m.withLock { body(&$0) } }
}

@Suite(.serialized) struct ServerIntegrationTests {
    @Test func handshakeAndFirstFrameInOneWrite() throws {
        let s = try TestServer()
        defer { s.stop() }
        let ws = TestWebSocket(stream: try BlockingClient(port: s.port))
        let head = try ws.open(firstBytes: TestFrame.text("first").encoded())
        #expect(head.hasPrefix("HTTP/1.1 101"))
        #expect(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        #expect(try ws.receiveFrame() == TestFrame.text("first"))
    }

    @Test func echoOverTLSAndCloseHandshake() throws {
        let s = try TestServer(tls: true)
        defer { s.stop() }
        let tls = try BlockingTLSClient(port: s.port, caFile: s.certificates!.caPath)
        let ws = TestWebSocket(stream: tls)
        #expect(try ws.open().hasPrefix("HTTP/1.1 101"))
        try ws.send(.text("über TLS"))
        #expect(try ws.receiveFrame() == .text("über TLS"))
        try ws.send(.close(1000, "done"))
        let reply = try ws.receiveFrame()
        #expect(reply?.closeCode == 1000)
        #expect(try tls.receiveAll().isEmpty)
    }

    /// Regression (Autobahn 1.1.6-1.1.8, 10.1.1, 12.x over wss): messages larger than the TLS
    /// session's ciphertext backlog came back truncated.
    @Test(arguments: [65_535, 65_536, 300_000, 4 << 20])
    func largeMessagesOverTLSComeBackWhole(size: Int) throws {
        let s = try TestServer(tls: true)
        defer { s.stop() }
        let ws = TestWebSocket(stream: try BlockingTLSClient(port: s.port))
        try ws.open()
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        try ws.send(TestFrame(opcode: 2, payload: payload))
        let echo = try ws.receiveFrame()
        #expect(echo?.opcode == 2)
        #expect(echo?.payload == payload)
    }

    @Test func stalledTLSHandshakeIsClosedAtTheDeadline() throws {
        let s = try TestServer(tls: true) { $0.handshakeTimeout = .milliseconds(300) }
        defer { s.stop() }
        let tcp = try BlockingClient(port: s.port)
        // Half a ClientHello record header, then silence.
        try tcp.send([0x16, 0x03, 0x01, 0x02])
        let started = ContinuousClock.now
        #expect(try tcp.receiveUntilClose().isEmpty)
        #expect(ContinuousClock.now - started < .seconds(5))
        // A fresh client still gets in.
        let fresh = try BlockingTLSClient(port: s.port)
        #expect(fresh.negotiatedVersion == "TLSv1.3")
    }

    @Test func plainHTTPToTheTLSPortFailsFast() throws {
        let s = try TestServer(tls: true)
        defer { s.stop() }
        let tcp = try BlockingClient(port: s.port)
        let started = ContinuousClock.now
        try tcp.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let reply = try tcp.receiveUntilClose()
        // Closed at once (not at the 10 s handshake deadline), with at most a TLS alert record
        // (content type 21), never an HTTP response.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(reply.isEmpty || reply.first == 0x15, "got \(reply.prefix(8))")
        #expect(!reply.starts(with: Array("HTTP/".utf8)))
        s.server.barrier()
        #expect(s.server.stats.tlsHandshakeFailures.load(ordering: .relaxed) == 1)
        #expect(s.server.stats.tlsHandshakes.load(ordering: .relaxed) == 0)
    }

    @Test func healthAndNotFound() throws {
        let s = try TestServer()
        defer { s.stop() }
        let c = try BlockingClient(port: s.port)
        try c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let (head, _) = try c.receive(until: Array("\r\n\r\n".utf8))
        #expect(String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        try c.send("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let rest = String(decoding: try c.receiveUntilClose(), as: UTF8.self)
        #expect(rest.contains("HTTP/1.1 404"))
    }

    @Test func wrongVersionGets426() throws {
        let s = try TestServer()
        defer { s.stop() }
        let c = try BlockingClient(port: s.port)
        try c.send("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
        let reply = String(decoding: try c.receiveUntilClose(), as: UTF8.self)
        #expect(reply.hasPrefix("HTTP/1.1 426"))
        #expect(reply.contains("Sec-WebSocket-Version: 13"))
    }

    @Test func shutdownSends1001() throws {
        let s = try TestServer()
        let ws = TestWebSocket(stream: try BlockingClient(port: s.port))
        try ws.open()
        try ws.send(.text("ready"))
        _ = try ws.receiveFrame()
        let server = s.server
        let stopper = Thread { server.shutdown(grace: .seconds(2)) }
        stopper.start()
        let frame = try ws.receiveFrame()
        #expect(frame?.closeCode == 1001)
        try ws.send(.close(1001))
    }

    @Test func certificateReloadKeepsOldOnFailureAndSwapsOnSuccess() throws {
        let s = try TestServer(tls: true)
        defer { s.stop() }
        let paths = s.certificates!
        let original = try String(contentsOfFile: paths.certPath, encoding: .utf8)
        // A broken certificate: the old one stays in use.
        try "not a certificate".write(toFile: paths.certPath, atomically: true, encoding: .utf8)
        s.server.reloadCertificates()
        #expect(s.logLines.all.contains { $0.contains("tls_reload_failed") })
        let stillWorks = try BlockingTLSClient(port: s.port, caFile: paths.caPath)
        #expect(stillWorks.negotiatedVersion == "TLSv1.3")
        // A new valid pair: new connections use it.
        let other = TemporaryDirectory()
        let fresh = try TestCertificates.make(directory: other.path)
        try FileManager.default.removeItem(atPath: paths.certPath)
        try FileManager.default.copyItem(atPath: fresh.certPath, toPath: paths.certPath)
        try FileManager.default.removeItem(atPath: paths.keyPath)
        try FileManager.default.copyItem(atPath: fresh.keyPath, toPath: paths.keyPath)
        s.server.reloadCertificates()
        #expect(s.logLines.all.contains { $0.contains("tls_reloaded") })
        // Verifying against the new CA only succeeds if the new certificate is served.
        let verified = try BlockingTLSClient(port: s.port, caFile: fresh.caPath)
        #expect(verified.negotiatedVersion == "TLSv1.3")
        #expect(throws: (any Error).self) { try BlockingTLSClient(port: s.port, caFile: paths.caPath) }
        _ = original
    }
}

@Suite(.serialized) struct ServerLimitTests {
    @Test func slowConsumerIsClosed() throws {
        let s = try TestServer { settings in
            settings.outboundHardLimitBytes = 64 * 1024
            settings.outboundSoftLimitBytes = 16 * 1024
            settings.slowConsumerTimeout = .milliseconds(300)
            // The client answers no ping: under ThreadSanitizer on a loaded machine this test once took
            // 98 s and saw no slow-consumer close; the keepalive (25 s + 20 s) closing it first, uncounted,
            // fits that. Only the outbound limits may close it here.
            settings.pingInterval = .seconds(3600)
        }
        defer { s.stop() }
        let client = try BlockingClient(port: s.port)
        client.setReceiveBuffer(bytes: 4096)
        let ws = TestWebSocket(stream: client)
        try ws.open()
        // Keep sending 16 KiB messages without reading the echoes: the server's queue fills,
        // then the connection is closed instead of buffering without bound.
        let frame = TestFrame(opcode: 2, payload: [UInt8](repeating: 7, count: 16 * 1024)).encoded()
        var sendFailed = false
        for _ in 0..<400 {
            do { try client.send(frame) } catch { sendFailed = true; break }
        }
        _ = try? client.receiveUntilClose(limit: 64 << 20)
        #expect(s.server.stats.slowConsumersClosed.load(ordering: .relaxed) == 1)
        _ = sendFailed
    }

    @Test func deadPeerIsClosedWith1011() throws {
        let s = try TestServer { settings in
            settings.pingInterval = .milliseconds(100)
            settings.pongTimeout = .milliseconds(200)
        }
        defer { s.stop() }
        let ws = TestWebSocket(stream: try BlockingClient(port: s.port))
        try ws.open()
        // Never answer the ping: the server gives up with 1011.
        var frames: [TestFrame] = []
        while let f = try ws.receiveFrame() {
            frames.append(f)
            if f.opcode == 8 { break }
        }
        #expect(frames.first?.opcode == 9)
        #expect(frames.last?.closeCode == 1011)
    }

    @Test(arguments: [
        ("https://127.0.0.1:PORT", "101"), ("https://127.0.0.1:PORT.evil.com", "403"), ("null", "403"),
        ("https://evil.example", "403"), ("http://127.0.0.1:1", "403"), ("", "403"),
    ])
    func attendeeSocketIsSameOriginByDefault(origin: String, status: String) throws {
        let s = try TestServer(withEvent: true)
        defer { s.stop() }
        let ws = TestWebSocket(stream: try BlockingClient(port: s.port))
        let header = origin.isEmpty ? [] : ["Origin: " + origin.replacingOccurrences(of: "PORT", with: "\(s.port)")]
        let head = try ws.open(path: "/ws", host: "127.0.0.1:\(s.port)", extraHeaders: header)
        #expect(head.hasPrefix("HTTP/1.1 \(status)"), "\(origin): \(head)")
    }

    @Test func configuredOriginListIsExact() throws {
        let s = try TestServer(withEvent: true) { $0.allowedOrigins = ["https://mingle.example.org"] }
        defer { s.stop() }
        for (origin, status) in [("https://mingle.example.org", "101"), ("https://mingle.example.org.evil.com", "403"),
                                 ("https://127.0.0.1:\(s.port)", "403")] {
            let ws = TestWebSocket(stream: try BlockingClient(port: s.port))
            let head = try ws.open(path: "/ws", host: "127.0.0.1:\(s.port)", extraHeaders: ["Origin: " + origin])
            #expect(head.hasPrefix("HTTP/1.1 \(status)"), "\(origin): \(head)")
        }
    }
}

@Suite struct DeliveryTests {
    @Test func aReplyToAConnectionThatHasClosedIsCountedAndLogged() throws {
        let s = try TestServer()
        defer { s.stop() }
        let gone = ConnectionID(rawValue: 12_345)
        DeferredReply(loop: 0, handle: s.server.group.handles[0], connection: gone).send(.text("late\n", status: 200))
        s.server.barrier()
        #expect(s.server.stats.deliveriesMissed.load(ordering: .relaxed) == 1)
        #expect(s.logLines.all.contains { $0.contains("delivery_to_closed_connection") && $0.contains("\(gone)") })
    }
}

/// A connection's handler holds it `unowned` (no weak side table per connection): it must let go
/// when the loop closes the connection, and nothing may keep either alive afterwards.
@Suite struct ConnectionLifetimeTests {
    final class Watch: @unchecked Sendable {
        // Written and read only inside jobs on the server's one connection loop, one after another.
        weak var connection: Connection?
        weak var handler: ServerConnection?
        var strongHandler: ServerConnection?
    }

    @Test(arguments: [true, false])
    func aClosedConnectionIsReleasedAndItsHandlerNoLongerPointsAtIt(keepHandler: Bool) throws {
        let s = try TestServer()
        defer { s.stop() }
        let handle = s.server.group.handles[0]
        let tcp = try BlockingClient(port: s.port)
        defer { tcp.close() }
        let ws = TestWebSocket(stream: tcp)
        _ = try ws.open(path: "/echo")
        try ws.send(.text("hello"))
        #expect(try ws.receiveFrame() == .text("hello"))
        let watch = Watch()
        let found = Locked(0)
        handle.execute { _, context in
            let server = context.connections.values.first
            watch.handler = server
            watch.connection = server?.connection
            if keepHandler { watch.strongHandler = server }
            found.withLock { $0 = context.connections.count }
            // The server ends it (as on a reset or a timeout): the loop closes it within this job.
            server?.connection?.abort()
        }
        s.server.barrier()
        #expect(found.withLock { $0 } == 1)
        let state = Locked((connectionAlive: true, handlerAlive: true, pointsAtConnection: true))
        handle.execute { _, _ in
            state.withLock { $0 = (watch.connection != nil, watch.handler != nil, watch.handler?.connection != nil) }
            watch.strongHandler = nil
        }
        s.server.barrier()
        #expect(state.withLock { $0.pointsAtConnection } == false)
        #expect(state.withLock { $0.connectionAlive } == false, "the connection object is freed once closed")
        #expect(state.withLock { $0.handlerAlive } == keepHandler, "nothing but the test keeps a closed connection's handler")
    }
}
