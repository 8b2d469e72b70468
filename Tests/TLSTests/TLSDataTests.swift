import COpenSSL
import Testing
import TLS
import MingleTestSupport

@Suite struct TLSDataTests {
    private func established(version: Int32 = TLS1_3_VERSION) throws -> (TestClient, TLSSession) {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(maxVersion: version))
        let server = context.makeSession()
        try #require(pump(client, server) == .complete)
        _ = client.read()
        return (client, server)
    }

    @Test(arguments: [TLS1_2_VERSION, TLS1_3_VERSION])
    func plaintextRoundTripsBothWays(version: Int32) throws {
        let (client, server) = try established(version: version)
        let request = Array("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        client.write(request)
        let (received, result) = deliver(client, server)
        #expect(received == request)
        #expect(result == .progress(bytes: request.count))

        let response = Array("HTTP/1.1 101 Switching Protocols\r\n\r\n".utf8)
        #expect(response.withUnsafeBytes { server.writePlaintext($0) } == response.count)
        var ciphertext: [UInt8] = []
        server.takeCiphertext(into: &ciphertext)
        #expect(!server.hasPendingCiphertext)
        client.feed(ciphertext)
        #expect(client.read().0 == response)
    }

    @Test func oneMebibyteInPartialWritesArrivesIntact() throws {
        let (client, server) = try established()
        var random = SplitMix64(seed: 0x5EED)
        let payload = random.bytes(1 << 20)
        server.maxPendingCiphertextBytes = 20_000
        var offset = 0
        var received: [UInt8] = []
        var sawPartial = false
        while offset < payload.count {
            let size = Int.random(in: 1...100_000, using: &random)
            let end = min(payload.count, offset + size)
            let accepted = payload[offset..<end].withUnsafeBytes { server.writePlaintext($0) }
            sawPartial = sawPartial || accepted < end - offset
            offset += accepted
            var ciphertext: [UInt8] = []
            server.takeCiphertext(into: &ciphertext)
            client.feed(ciphertext)
            received += client.read().0
        }
        #expect(sawPartial)
        #expect(received == payload)

        // And the other way, delivered to the server in random slices.
        client.write(payload)
        let wire = client.takeOutput()
        var plaintext: [UInt8] = []
        var start = 0
        while start < wire.count {
            let end = min(wire.count, start + Int.random(in: 1...40_000, using: &random))
            wire[start..<end].withUnsafeBytes { server.receivedCiphertext($0) }
            _ = server.readPlaintext(into: &plaintext)
            start = end
        }
        #expect(plaintext == payload)
    }

    @Test func applicationDataFedByteByByte() throws {
        let (client, server) = try established()
        let message = Array("hello, byte by byte".utf8)
        client.write(message)
        var plaintext: [UInt8] = []
        for byte in client.takeOutput() {
            [byte].withUnsafeBytes { server.receivedCiphertext($0) }
            let result = server.readPlaintext(into: &plaintext)
            if case .failed = result { Issue.record("failed: \(result)") }
        }
        #expect(plaintext == message)
        #expect(server.bufferedCiphertextBytes == 0)
    }

    @Test func dataSentWithClientFinishedIsReadableAtOnce() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath)
        let server = context.makeSession()
        client.handshake()
        client.takeOutput().withUnsafeBytes { server.receivedCiphertext($0) }
        #expect(server.advanceHandshake() == .needsMoreInput)
        var flight: [UInt8] = []
        server.takeCiphertext(into: &flight)
        client.feed(flight)
        #expect(client.handshake() == 1)
        client.write(Array("early".utf8))
        client.takeOutput().withUnsafeBytes { server.receivedCiphertext($0) }  // Finished + data together
        #expect(server.advanceHandshake() == .complete)
        var plaintext: [UInt8] = []
        #expect(server.readPlaintext(into: &plaintext) == .progress(bytes: 5))
        #expect(plaintext == Array("early".utf8))
    }

    @Test func closeNotifyBothWays() throws {
        let (client, server) = try established()
        client.write(Array("bye".utf8))
        #expect(SSL_shutdown(client.ssl) == 0)
        let (received, result) = deliver(client, server)
        #expect(received == Array("bye".utf8))
        #expect(result == .progress(bytes: 3))
        var more: [UInt8] = []
        #expect(server.readPlaintext(into: &more) == .closedByPeer)
        #expect(server.readPlaintext(into: &more) == .closedByPeer)

        server.shutdown()
        #expect(server.hasPendingCiphertext)
        var closeNotify: [UInt8] = []
        server.takeCiphertext(into: &closeNotify)
        client.feed(closeNotify)
        #expect(client.read().1 == SSL_ERROR_ZERO_RETURN)
        #expect(Array("late".utf8).withUnsafeBytes { server.writePlaintext($0) } == 0)
    }

    @Test func serverInitiatedShutdownThenPeerReply() throws {
        let (client, server) = try established()
        server.shutdown()
        server.shutdown()  // queued once
        var closeNotify: [UInt8] = []
        server.takeCiphertext(into: &closeNotify)
        client.feed(closeNotify)
        #expect(client.read().1 == SSL_ERROR_ZERO_RETURN)
        #expect(SSL_shutdown(client.ssl) == 1)
        let (_, result) = deliver(client, server)
        #expect(result == .closedByPeer)
    }

    @Test func renegotiationAttemptFailsTheSession() throws {
        let (client, server) = try established(version: TLS1_2_VERSION)
        #expect(SSL_renegotiate(client.ssl) == 1)
        client.handshake()
        let (_, result) = deliver(client, server)
        guard case let .failed(error) = result else { Issue.record("expected failure, got \(result)"); return }
        #expect(error.cause == .renegotiationRefused)
        #expect(error.isPeerFault)
        #expect(Array("x".utf8).withUnsafeBytes { server.writePlaintext($0) } == 0)
    }

    @Test func tls13KeyUpdateIsAnswered() throws {
        let (client, server) = try established()
        #expect(SSL_key_update(client.ssl, SSL_KEY_UPDATE_REQUESTED) == 1)
        client.write(Array("after update".utf8))
        let (received, _) = deliver(client, server)
        #expect(received == Array("after update".utf8))
        let reply = Array("still here".utf8)
        #expect(reply.withUnsafeBytes { server.writePlaintext($0) } == reply.count)
        var ciphertext: [UInt8] = []
        server.takeCiphertext(into: &ciphertext)
        client.feed(ciphertext)
        #expect(client.read().0 == reply)
    }

    @Test func corruptedRecordFailsWithPeerFault() throws {
        let (client, server) = try established()
        client.write(Array("tamper".utf8))
        var wire = client.takeOutput()
        wire[wire.count - 1] ^= 0x01
        wire.withUnsafeBytes { server.receivedCiphertext($0) }
        var plaintext: [UInt8] = []
        let result = server.readPlaintext(into: &plaintext)
        guard case let .failed(error) = result else { Issue.record("expected failure, got \(result)"); return }
        #expect(error.isPeerFault)
        #expect(error.reason.contains("bad record mac") || error.reason.contains("decrypt"))
        #expect(plaintext.isEmpty)
    }

    @Test func nothingIsWrittenOrReadBeforeTheHandshake() throws {
        let (context, _) = try makeServer()
        let server = context.makeSession()
        var plaintext: [UInt8] = []
        #expect(server.readPlaintext(into: &plaintext) == .needsMoreInput)
        #expect(Array("x".utf8).withUnsafeBytes { server.writePlaintext($0) } == 0)
        #expect(!server.hasPendingCiphertext)
        #expect(server.negotiatedVersion == nil)
    }
}
