import Testing
import MingleTestSupport
@testable import WebSocket

@Suite struct ExtensionNegotiationTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var offer: String
        /// nil: declined (no extension in the 101).
        var response: String?
        var deflateWindowBits = 12
        var inflateWindowBits = 15
        var testDescription: String { offer }
    }

    // Policy defaults: server window 12, client window 12, server_no_context_takeover on.
    static let rows: [Row] = [
        Row(offer: "permessage-deflate", response: "permessage-deflate; server_no_context_takeover"),
        Row(offer: "PerMessage-Deflate", response: "permessage-deflate; server_no_context_takeover"),
        // §7.1.2.2: no value; the server may ask for a smaller client window.
        Row(offer: "permessage-deflate; client_max_window_bits",
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12", inflateWindowBits: 12),
        // The client already promised 10: nothing to answer, inflate with 10.
        Row(offer: "permessage-deflate; client_max_window_bits=10",
            response: "permessage-deflate; server_no_context_takeover", inflateWindowBits: 10),
        Row(offer: "permessage-deflate; client_max_window_bits=15",
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12", inflateWindowBits: 12),
        // §7.1.2.1: same or smaller value; 8 is answered as 8 but zlib compresses with 9 (distances <= 250).
        Row(offer: "permessage-deflate; server_max_window_bits=8",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=8", deflateWindowBits: 9),
        Row(offer: "permessage-deflate; server_max_window_bits=9",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9", deflateWindowBits: 9),
        Row(offer: "permessage-deflate; server_max_window_bits=10",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10", deflateWindowBits: 10),
        Row(offer: "permessage-deflate; server_max_window_bits=15",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=12"),
        Row(offer: "permessage-deflate; server_max_window_bits=\"10\"",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10", deflateWindowBits: 10),
        Row(offer: "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            response: "permessage-deflate; server_no_context_takeover"),
        // Autobahn 13.5's offer.
        Row(offer: "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=9",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=12",
            deflateWindowBits: 9, inflateWindowBits: 12),
        // Invalid offers are declined (§7.1): bad values, missing values, values where none belong,
        // unknown and duplicate parameters.
        Row(offer: "permessage-deflate; server_max_window_bits", response: nil),
        Row(offer: "permessage-deflate; server_max_window_bits=7", response: nil),
        Row(offer: "permessage-deflate; server_max_window_bits=16", response: nil),
        Row(offer: "permessage-deflate; server_max_window_bits=08", response: nil),
        Row(offer: "permessage-deflate; server_max_window_bits=99", response: nil),
        Row(offer: "permessage-deflate; client_max_window_bits=abc", response: nil),
        Row(offer: "permessage-deflate; server_no_context_takeover=1", response: nil),
        Row(offer: "permessage-deflate; constructor", response: nil),
        Row(offer: "permessage-deflate; server_no_context_takeover; server_no_context_takeover", response: nil),
        Row(offer: "permessage-deflate; client_max_window_bits; client_max_window_bits=10", response: nil),
        // Malformed headers negotiate nothing.
        Row(offer: "permessage-deflate; server_max_window_bits=\"10", response: nil),
        Row(offer: "permessage-deflate; =10", response: nil),
        Row(offer: "permessage-deflate;; x", response: nil),
        // The next offer is tried after a declined one; other extensions are skipped.
        Row(offer: "permessage-deflate; server_max_window_bits=16, permessage-deflate; client_max_window_bits",
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12", inflateWindowBits: 12),
        Row(offer: "x-webkit-deflate-frame, permessage-deflate", response: "permessage-deflate; server_no_context_takeover"),
        Row(offer: "x-webkit-deflate-frame", response: nil),
        Row(offer: ", ,permessage-deflate ,", response: "permessage-deflate; server_no_context_takeover"),
    ]

    @Test(arguments: rows)
    func negotiation(_ row: Row) {
        let result = negotiate(row.offer, policy: PerMessageDeflatePolicy())
        #expect(result?.responseHeaderValue == row.response)
        if let result {
            #expect(result.deflateWindowBits == row.deflateWindowBits)
            #expect(result.inflateWindowBits == row.inflateWindowBits)
        }
    }

    func negotiate(_ offer: String, policy: PerMessageDeflatePolicy) -> PerMessageDeflateParameters? {
        let request = HandshakeRequest(method: "GET", target: "/", versionMajor: 1, versionMinor: 1, headers: [
            ("Host", "h"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Extensions", offer),
        ])
        guard case .accepted(let accepted) = ServerHandshake.evaluate(request, config: WebSocketServerConfig(compression: policy)) else {
            Issue.record("handshake rejected")
            return nil
        }
        let text = String(decoding: accepted.responseBytes, as: UTF8.self)
        if let deflate = accepted.deflate {
            #expect(text.contains("\r\nSec-WebSocket-Extensions: \(deflate.responseHeaderValue)\r\n"))
        } else {
            #expect(!text.contains("Sec-WebSocket-Extensions"))
        }
        return accepted.deflate
    }

    @Test func compressionOffIgnoresOffers() throws {
        let request = HandshakeRequest(method: "GET", target: "/", versionMajor: 1, versionMinor: 1, headers: [
            ("Host", "h"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Extensions", "permessage-deflate"),
        ])
        guard case .accepted(let accepted) = ServerHandshake.evaluate(request, config: WebSocketServerConfig()) else {
            Issue.record("rejected")
            return
        }
        #expect(accepted.deflate == nil)
    }

    @Test func policyWithContextTakeoverAndClientReset() {
        let policy = PerMessageDeflatePolicy(serverMaxWindowBits: 15, clientMaxWindowBits: 15, serverNoContextTakeover: false, clientNoContextTakeover: true)
        let result = negotiate("permessage-deflate; client_max_window_bits", policy: policy)
        #expect(result?.responseHeaderValue == "permessage-deflate; client_no_context_takeover")
        #expect(result?.deflateWindowBits == 15)
        #expect(result?.inflateWindowBits == 15)
    }

    @Test func parserHandlesQuotedValuesAndWhitespace() {
        let offers = ExtensionHeaderParser.parse("foo ; a = \"b\\\"c\" ;d, bar;x=1")
        // "b\"c" unescapes to b"c, which is not a token: the whole header is malformed.
        #expect(offers == nil)
        let good = ExtensionHeaderParser.parse("foo ; a = \"b\\c\" ;d, bar;x=1")
        #expect(good == [
            ExtensionOffer(name: "foo", parameters: [ExtensionParameter(name: "a", value: "bc"), ExtensionParameter(name: "d", value: nil)]),
            ExtensionOffer(name: "bar", parameters: [ExtensionParameter(name: "x", value: "1")]),
        ])
    }

    @Test func hostileExtensionHeadersStayBounded() {
        let commas = String(repeating: ",", count: 10_000) + "permessage-deflate"
        #expect(ExtensionHeaderParser.parse(commas)?.count == 1)
        let manyOffers = Array(repeating: "permessage-deflate; server_max_window_bits=16", count: 2_000).joined(separator: ", ")
        #expect(ExtensionHeaderParser.parse(manyOffers)?.count == ExtensionHeaderParser.maxOffers)
        #expect(negotiate(manyOffers, policy: PerMessageDeflatePolicy()) == nil)
        let manyParameters = "permessage-deflate" + String(repeating: "; a", count: 5_000)
        #expect(ExtensionHeaderParser.parse(manyParameters) == nil)
        let unterminated = "permessage-deflate; a=\"" + String(repeating: "x", count: 10_000)
        #expect(ExtensionHeaderParser.parse(unterminated) == nil)
    }

    /// Random header values built from the grammar's own characters never trap, and whatever is
    /// accepted uses windows zlib can honour.
    @Test func randomOffersNeverTrap() {
        var rng = SplitMix64(seed: 99)
        let pieces = ["permessage-deflate", ";", ",", "=", "\"", "\\", " ", "server_max_window_bits", "client_max_window_bits",
                      "server_no_context_takeover", "client_no_context_takeover", "8", "9", "10", "15", "16", "x", "\t"]
        for _ in 0..<3_000 {
            let value = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            _ = ExtensionHeaderParser.parse(value)
            if let offers = ExtensionHeaderParser.parse(value),
               let result = PerMessageDeflateNegotiation.negotiate(offers: offers, policy: PerMessageDeflatePolicy()) {
                #expect((9...15).contains(result.deflateWindowBits))
                #expect((9...15).contains(result.inflateWindowBits))
                #expect(result.serverMaxWindowBits.map { (8...15).contains($0) } ?? true)
            }
        }
    }
}
