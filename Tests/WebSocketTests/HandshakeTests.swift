import Testing
@testable import WebSocket

@Suite struct HandshakeTests {
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="

    func request(
        method: String = "GET", minor: Int = 1, removing: Set<String> = [], adding: [(String, String)] = []
    ) -> HandshakeRequest {
        var headers: [(name: String, value: String)] = [
            ("Host", "server.example.com"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", Self.key), ("Sec-WebSocket-Version", "13"),
        ]
        headers.removeAll { removing.contains($0.name) }
        headers += adding.map { (name: $0.0, value: $0.1) }
        return HandshakeRequest(method: method, target: "/chat", versionMajor: 1, versionMinor: minor, headers: headers)
    }

    func rejection(_ outcome: HandshakeOutcome) -> HandshakeRejection? {
        if case .rejected(let rejection) = outcome { return rejection }
        return nil
    }

    func acceptance(_ outcome: HandshakeOutcome) -> HandshakeAcceptance? {
        if case .accepted(let acceptance) = outcome { return acceptance }
        return nil
    }

    @Test func acceptKeyKnownAnswerRFC6455Section1_3() {
        #expect(ServerHandshake.acceptValue(forKey: Self.key) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func validRequestGetsExact101() throws {
        let accepted = try #require(acceptance(ServerHandshake.evaluate(request(), config: WebSocketServerConfig())))
        let expected = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        #expect(String(decoding: accepted.responseBytes, as: UTF8.self) == expected)
        #expect(accepted.subprotocol == nil)
        #expect(accepted.deflate == nil)
    }

    @Test(arguments: [
        [("Connection", "keep-alive, Upgrade")], [("Connection", "keep-alive,upgrade")],
        [("Upgrade", "WebSocket")], [("Upgrade", "  websocket  ")], [("Connection", "UPGRADE")],
    ])
    func validVariantsAreAccepted(_ replacement: [(String, String)]) {
        let names = Set(replacement.map(\.0))
        let outcome = ServerHandshake.evaluate(request(removing: names, adding: replacement), config: WebSocketServerConfig())
        #expect(acceptance(outcome) != nil)
    }

    @Test func keyWithSurroundingWhitespaceIsAccepted() {
        let outcome = ServerHandshake.evaluate(
            request(removing: ["Sec-WebSocket-Key"], adding: [("sec-websocket-key", " \(Self.key) ")]), config: WebSocketServerConfig())
        #expect(acceptance(outcome).map { String(decoding: $0.responseBytes, as: UTF8.self).contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") } == true)
    }

    struct RejectionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "GET"
        var minor = 1
        var removing: Set<String> = []
        var adding: [(String, String)] = []
        var status: Int
        var reason: HandshakeRejection.Reason
        var testDescription: String { name }
    }

    static let rejectionCases: [RejectionCase] = [
        // §4.2.1 (1): "An HTTP/1.1 or higher GET request".
        RejectionCase(name: "POST", method: "POST", status: 400, reason: .methodNotGet),
        RejectionCase(name: "HTTP/1.0", minor: 0, status: 400, reason: .httpVersionBelow11),
        // §4.2.1 (2): Host.
        RejectionCase(name: "no Host", removing: ["Host"], status: 400, reason: .missingHost),
        RejectionCase(name: "two Host", adding: [("Host", "other")], status: 400, reason: .missingHost),
        // §4.2.1 (3), (4).
        RejectionCase(name: "no Upgrade", removing: ["Upgrade"], status: 400, reason: .missingUpgradeWebSocket),
        RejectionCase(name: "Upgrade h2c", removing: ["Upgrade"], adding: [("Upgrade", "h2c")], status: 400, reason: .missingUpgradeWebSocket),
        RejectionCase(name: "no Connection", removing: ["Connection"], status: 400, reason: .missingConnectionUpgrade),
        RejectionCase(name: "Connection keep-alive", removing: ["Connection"], adding: [("Connection", "keep-alive")], status: 400, reason: .missingConnectionUpgrade),
        // §4.2.1 (5).
        RejectionCase(name: "no key", removing: ["Sec-WebSocket-Key"], status: 400, reason: .missingKey),
        RejectionCase(name: "repeated key", adding: [("Sec-WebSocket-Key", key)], status: 400, reason: .repeatedKey),
        RejectionCase(name: "key 15 bytes", removing: ["Sec-WebSocket-Key"], adding: [("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")], status: 400, reason: .invalidKey),
        RejectionCase(name: "key not base64", removing: ["Sec-WebSocket-Key"], adding: [("Sec-WebSocket-Key", "not base64 at all!!!!!==")], status: 400, reason: .invalidKey),
        // §4.2.1 (6), §4.4.
        RejectionCase(name: "version 8", removing: ["Sec-WebSocket-Version"], adding: [("Sec-WebSocket-Version", "8")], status: 426, reason: .unsupportedVersion),
        RejectionCase(name: "no version", removing: ["Sec-WebSocket-Version"], status: 426, reason: .unsupportedVersion),
        RejectionCase(name: "repeated version", adding: [("Sec-WebSocket-Version", "13")], status: 400, reason: .repeatedVersion),
    ]

    @Test(arguments: rejectionCases)
    func rejections(_ c: RejectionCase) throws {
        let outcome = ServerHandshake.evaluate(
            request(method: c.method, minor: c.minor, removing: c.removing, adding: c.adding), config: WebSocketServerConfig())
        let rejected = try #require(rejection(outcome))
        #expect(rejected.status == c.status)
        #expect(rejected.reason == c.reason)
        try checkResponseShape(rejected)
    }

    func checkResponseShape(_ rejected: HandshakeRejection) throws {
        let text = String(decoding: rejected.responseBytes, as: UTF8.self)
        let parts = text.split(separator: "\r\n\r\n", omittingEmptySubsequences: false)
        #expect(parts.count == 2)
        let head = String(parts[0]), body = String(parts[1])
        #expect(head.hasPrefix("HTTP/1.1 \(rejected.status) "))
        #expect(head.contains("\r\nConnection: close"))
        #expect(head.contains("\r\nContent-Length: \(body.utf8.count)"))
        #expect(!body.isEmpty)
        if rejected.status == 426 {
            #expect(head.contains("\r\nSec-WebSocket-Version: 13"))
        }
    }

    @Test func exact426Response() throws {
        let outcome = ServerHandshake.evaluate(
            request(removing: ["Sec-WebSocket-Version"], adding: [("Sec-WebSocket-Version", "8")]), config: WebSocketServerConfig())
        let rejected = try #require(rejection(outcome))
        let body = "Only WebSocket version 13 is supported.\n"
        let expected = "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\nUpgrade: websocket\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        #expect(String(decoding: rejected.responseBytes, as: UTF8.self) == expected)
    }

    // §10.2: origins not on the allowlist get 403.
    @Test(arguments: [
        ("https://app.example.com", true), ("https://APP.Example.com", true), ("https://app.example.com.evil.com", false),
        ("null", false), ("https://app.example.com:8443", false), ("http://app.example.com", false), (nil, false),
    ] as [(String?, Bool)])
    func originAllowList(_ origin: String?, _ allowed: Bool) throws {
        let config = WebSocketServerConfig(originPolicy: .allowList(["https://app.example.com"]))
        let outcome = ServerHandshake.evaluate(request(adding: origin.map { [("Origin", $0)] } ?? []), config: config)
        if allowed {
            #expect(acceptance(outcome) != nil)
        } else {
            let rejected = try #require(rejection(outcome))
            #expect(rejected.status == 403)
            #expect(rejected.reason == .originNotAllowed)
            try checkResponseShape(rejected)
        }
    }

    @Test func anyOriginAcceptsMissingOrigin() {
        #expect(acceptance(ServerHandshake.evaluate(request(), config: WebSocketServerConfig(originPolicy: .any))) != nil)
    }

    @Test func subprotocolIsClientsFirstSupportedChoice() throws {
        let config = WebSocketServerConfig(subprotocols: ["superchat", "chat"])
        let outcome = ServerHandshake.evaluate(
            request(adding: [("Sec-WebSocket-Protocol", "v2.other, chat"), ("Sec-WebSocket-Protocol", "superchat")]), config: config)
        let accepted = try #require(acceptance(outcome))
        #expect(accepted.subprotocol == "chat")
        #expect(String(decoding: accepted.responseBytes, as: UTF8.self).contains("\r\nSec-WebSocket-Protocol: chat\r\n"))
    }

    @Test func unsupportedSubprotocolIsOmitted() throws {
        let config = WebSocketServerConfig(subprotocols: ["chat"])
        let accepted = try #require(acceptance(ServerHandshake.evaluate(request(adding: [("Sec-WebSocket-Protocol", "CHAT, x")]), config: config)))
        #expect(accepted.subprotocol == nil)
        #expect(!String(decoding: accepted.responseBytes, as: UTF8.self).contains("Sec-WebSocket-Protocol"))
    }

    @Test func hostileProtocolHeaderIsLinear() throws {
        let hostile = String(repeating: ",", count: 10_000) + String(repeating: "a,", count: 5_000)
        let config = WebSocketServerConfig(subprotocols: ["chat"])
        let accepted = try #require(acceptance(ServerHandshake.evaluate(request(adding: [("Sec-WebSocket-Protocol", hostile)]), config: config)))
        #expect(accepted.subprotocol == nil)
    }
}
