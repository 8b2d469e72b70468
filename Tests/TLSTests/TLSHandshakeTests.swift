import COpenSSL
import Testing
import TLS

@Suite struct TLSHandshakeTests {
    @Test func tls13Completes() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath)
        let server = context.makeSession()
        #expect(pump(client, server) == .complete)
        #expect(client.isHandshakeDone)
        #expect(SSL_get_verify_result(client.ssl) == X509_V_OK)
        #expect(server.negotiatedVersion == "TLSv1.3")
        #expect(server.cipher.map { $0.hasPrefix("TLS_") } == true)
        #expect(server.alpn == nil)
    }

    @Test func tls12Completes() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(maxVersion: TLS1_2_VERSION))
        let server = context.makeSession()
        #expect(pump(client, server) == .complete)
        #expect(server.negotiatedVersion == "TLSv1.2")
        #expect(server.cipher?.hasPrefix("ECDHE-ECDSA-") == true)
    }

    @Test func handshakeFedByteByByteCompletes() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath)
        let server = context.makeSession()
        #expect(pump(client, server, byteByByte: true) == .complete)
        #expect(client.isHandshakeDone)
    }

    @Test func tls11ClientIsRefused() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(minVersion: TLS1_1_VERSION, maxVersion: TLS1_1_VERSION,
                                                               tls12Ciphers: "DEFAULT:@SECLEVEL=0"))
        let server = context.makeSession()
        let state = pump(client, server)
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .unsupportedProtocolVersion)
        #expect(error.isPeerFault)
        #expect(client.lastErrorText().contains("protocol version"))
    }

    @Test func modernProfileRefusesTLS12() throws {
        let (context, caPath) = try makeServer(profile: .modern)
        let client = TestClient(caPath: caPath, options: .init(maxVersion: TLS1_2_VERSION))
        let state = pump(client, context.makeSession())
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .unsupportedProtocolVersion)
    }

    @Test func h2OnlyClientGetsNoApplicationProtocol() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(alpn: ["h2"]))
        let state = pump(client, context.makeSession())
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .noApplicationProtocol)
        #expect(client.lastErrorText().contains("no application protocol"))  // alert 120
    }

    @Test(arguments: [TLS1_2_VERSION, TLS1_3_VERSION])
    func h2AndHTTP11PicksHTTP11(version: Int32) throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(maxVersion: version, alpn: ["h2", "http/1.1"]))
        let server = context.makeSession()
        #expect(pump(client, server) == .complete)
        #expect(server.alpn == "http/1.1")
    }

    @Test(arguments: ["DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", "AES128-SHA:@SECLEVEL=0",
                      "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0"])
    func weakTLS12ClientIsRefused(ciphers: String) throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(maxVersion: TLS1_2_VERSION, tls12Ciphers: ciphers))
        let state = pump(client, context.makeSession())
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .noSharedCipher)
        #expect(client.lastErrorText().contains("handshake failure"))  // alert 40
    }

    @Test(arguments: ["GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "POST /x HTTP/1.1\r\n\r\n"])
    func plainHTTPFailsFast(request: String) throws {
        let (context, _) = try makeServer()
        let server = context.makeSession()
        Array(request.utf8).withUnsafeBytes { server.receivedCiphertext($0) }
        let state = server.advanceHandshake()
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .plainHTTPRequest)
        #expect(error.isPeerFault)
        #expect(server.advanceHandshake() == state)
    }

    @Test func randomGarbageFailsWithTypedError() throws {
        let (context, _) = try makeServer()
        let server = context.makeSession()
        let garbage: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        garbage.withUnsafeBytes { server.receivedCiphertext($0) }
        guard case let .failed(error) = server.advanceHandshake() else { Issue.record("expected failure"); return }
        #expect(error.isPeerFault)
        var alert: [UInt8] = []
        server.takeCiphertext(into: &alert)
        #expect(alert.first == 0x15)  // a fatal alert record tells the peer why
    }

    @Test(arguments: [TLS1_2_VERSION, TLS1_3_VERSION])
    func sessionResumes(version: Int32) throws {
        let (context, caPath) = try makeServer()
        let first = TestClient(caPath: caPath, options: .init(maxVersion: version))
        let firstServer = context.makeSession()
        #expect(pump(first, firstServer) == .complete)
        _ = first.read()  // TLS 1.3 tickets arrive after the handshake
        let session = SSL_get1_session(first.ssl)
        defer { SSL_SESSION_free(session) }
        #expect(!firstServer.isResumed)
        #expect(SSL_SESSION_is_resumable(session) == 1)
        // A stateless ticket in both versions (TLS 1.2: RFC 5077, no session ID): nothing kept on the server.
        #expect(context.cachedSessionCount == 0)

        let second = TestClient(caPath: caPath, options: .init(maxVersion: version, session: session))
        let secondServer = context.makeSession()
        #expect(pump(second, secondServer) == .complete)
        #expect(secondServer.isResumed)
        #expect(SSL_session_reused(second.ssl) == 1)
    }

    /// Each loop builds its own context from the server's one configuration: a ticket issued on one loop
    /// resumes on another (the reconnect lands on any loop), and a context with other keys refuses it and
    /// falls back to a full handshake.
    @Test(arguments: [TLS1_2_VERSION, TLS1_3_VERSION])
    func ticketResumesOnAnotherContextOfTheSameConfiguration(version: Int32) throws {
        let (issuing, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(maxVersion: version))
        #expect(pump(client, issuing.makeSession()) == .complete)
        _ = client.read()
        let session = SSL_get1_session(client.ssl)
        defer { SSL_SESSION_free(session) }

        let otherLoop = try TLSContext(configuration: issuing.configuration)
        let resumed = TestClient(caPath: caPath, options: .init(maxVersion: version, session: session))
        let resumedServer = otherLoop.makeSession()
        #expect(pump(resumed, resumedServer) == .complete)
        #expect(resumedServer.isResumed)

        var otherKeys = issuing.configuration
        otherKeys.sessionTicketKeys = .random()
        let otherServer = try TLSContext(configuration: otherKeys)
        let full = TestClient(caPath: caPath, options: .init(maxVersion: version, session: session))
        let fullServer = otherServer.makeSession()
        #expect(pump(full, fullServer) == .complete)
        #expect(!fullServer.isResumed)
        #expect(SSL_session_reused(full.ssl) == 0)
    }
}
