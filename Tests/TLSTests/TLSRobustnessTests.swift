import COpenSSL
import MingleTestSupport
import Testing
import TLS

@Suite struct TLSRobustnessTests {
    @Test func clientHelloSplitAtEveryPointCompletes() throws {
        let (context, caPath) = try makeServer()
        let probe = TestClient(caPath: caPath)
        probe.handshake()
        let helloLength = probe.takeOutput().count
        #expect(helloLength > 200)
        for split in 1..<helloLength {
            let client = TestClient(caPath: caPath)
            let server = context.makeSession()
            client.handshake()
            let hello = client.takeOutput()
            hello[..<split].withUnsafeBytes { server.receivedCiphertext($0) }
            #expect(server.advanceHandshake() == .needsMoreInput)
            #expect(!server.hasPendingCiphertext)
            hello[split...].withUnsafeBytes { server.receivedCiphertext($0) }
            #expect(pump(client, server) == .complete, "split at \(split)")
        }
    }

    @Test func plainHTTPGetsAPlaintextReplyAndNoAlert() throws {
        let (context, _) = try makeServer()
        let server = context.makeSession()
        Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes { server.receivedCiphertext($0) }
        guard case let .failed(error) = server.advanceHandshake() else { Issue.record("expected failure"); return }
        #expect(!server.hasPendingCiphertext)
        let reply = String(decoding: error.plaintextReply ?? [], as: UTF8.self)
        #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(reply.contains("Connection: close\r\n"))
        #expect(TLSError(cause: .noSharedCipher, reason: "", isPeerFault: true).plaintextReply == nil)
    }

    @Test func clientAlertIsReportedAsPeerFault() throws {
        let (context, _) = try makeServer()
        let otherCA = try TestCertificates.make(directory: makeTemporaryDirectory()).caPath
        let client = TestClient(caPath: otherCA)  // will not trust the server's certificate
        let server = context.makeSession()
        let state = pump(client, server)
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .alertReceived(48))  // unknown_ca, RFC 8446 §6.2
        #expect(error.isPeerFault)
    }

    @Test(arguments: [(TLS1_3_VERSION, "secp521r1"), (TLS1_2_VERSION, "secp521r1"), (TLS1_3_VERSION, "X448")])
    func groupsOutsideThePolicyAreRefused(version: Int32, groups: String) throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(maxVersion: version, groups: groups))
        let state = pump(client, context.makeSession())
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.isPeerFault)
    }

    @Test(arguments: ["prime256v1", "secp384r1", "X25519"])
    func policyGroupsAreAccepted(groups: String) throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(groups: groups))
        #expect(pump(client, context.makeSession()) == .complete)
    }

    @Test func tls13SuiteOutsideThePolicyIsRefused() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath, options: .init(minVersion: TLS1_3_VERSION,
                                                               tls13Suites: "TLS_AES_128_CCM_SHA256"))
        let state = pump(client, context.makeSession())
        guard case let .failed(error) = state else { Issue.record("expected failure, got \(state)"); return }
        #expect(error.cause == .noSharedCipher)
    }

    /// Random bytes, and a real ClientHello with random bytes flipped, end in "need more" or a typed
    /// peer error; never a trap, never a success.
    @Test func seededGarbageNeverTraps() throws {
        let (context, caPath) = try makeServer()
        var random = SplitMix64(seed: 0xC0FFEE)
        let probe = TestClient(caPath: caPath)
        probe.handshake()
        let hello = probe.takeOutput()
        for round in 0..<400 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = random.bytes(Int.random(in: 1...600, using: &random))
            } else {
                input = hello
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    input[Int.random(in: 0..<input.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
                }
            }
            let server = context.makeSession()
            var offset = 0
            var state = TLSHandshakeState.needsMoreInput
            while offset < input.count, state == .needsMoreInput {
                let end = min(input.count, offset + Int.random(in: 1...200, using: &random))
                input[offset..<end].withUnsafeBytes { server.receivedCiphertext($0) }
                state = server.advanceHandshake()
                offset = end
            }
            var out: [UInt8] = []
            server.takeCiphertext(into: &out)
            switch state {
            case .needsMoreInput:
                break
            case let .failed(error):
                #expect(error.isPeerFault, "round \(round): \(error)")
            case .complete:
                Issue.record("round \(round): garbage completed a handshake")
            }
        }
    }
}
