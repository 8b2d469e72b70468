import Testing
@testable import WebSocket

/// One test per RFC 6455 MUST that fails the connection, with the exact Close frame sent back.
@Suite struct FrameRejectionTests {
    func expectFailure(_ input: [UInt8], code: UInt16, config: WebSocketServerConfig = WebSocketServerConfig(),
                       deflate: PerMessageDeflateParameters? = nil, events prefix: [Recorded] = [], output outputPrefix: [UInt8] = []) {
        let (result, consistent) = runAllSplits(input, config: config, deflate: deflate)
        #expect(consistent, "results differ between splits")
        #expect(result.output == outputPrefix + serverClose(code))
        #expect(result.events == prefix + [.closed(code: code, reason: "", initiatedByPeer: false)])
        #expect(result.state == .closed)
    }

    // §5.1: "The server MUST close the connection upon receiving a frame that is not masked."
    @Test func unmaskedFrame() { expectFailure(clientFrame(0x1, Array("Hello".utf8), masked: false), code: 1002) }

    // §5.2: RSV bits MUST be 0 without an extension that defines them.
    @Test(arguments: [UInt8(1), 2, 4, 7])
    func reservedBits(_ rsv: UInt8) { expectFailure(clientFrame(0x1, Array("x".utf8), rsv: rsv), code: 1002) }

    // §5.2: unknown opcodes MUST fail the connection.
    @Test(arguments: [UInt8(3), 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF])
    func reservedOpcodes(_ opcode: UInt8) { expectFailure(clientFrame(opcode, [1]), code: 1002) }

    // §5.5: control frames MUST have a payload of 125 bytes or less.
    @Test func longControlFrame() { expectFailure(clientFrame(0x9, [UInt8](repeating: 0, count: 126)), code: 1002) }

    // §5.5: control frames MUST NOT be fragmented.
    @Test func fragmentedPing() { expectFailure(clientFrame(0x9, [1], fin: false), code: 1002) }

    // §5.4: a continuation with nothing to continue.
    @Test func orphanContinuation() { expectFailure(clientFrame(0x0, [1]), code: 1002) }

    // §5.4: a new data message inside a fragmented one.
    @Test func interleavedDataMessage() {
        expectFailure(text("a", fin: false) + text("b"), code: 1002)
    }

    // §5.2: "the most significant bit MUST be 0".
    @Test func lengthTopBit() {
        expectFailure([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0], code: 1002)
    }

    // §5.2: "the minimal number of bytes MUST be used to encode the length".
    @Test func nonMinimalLengths() {
        expectFailure([0x82, 0xFE, 0x00, 0x05, 1, 2, 3, 4], code: 1002)
        expectFailure([0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], code: 1002)
    }

    // §10.4: a frame over the limit is refused as soon as its length is read (swift-nio's known answer).
    @Test func overlongFrameKnownAnswer() {
        let config = WebSocketServerConfig(maxMessageBytes: 16 * 1024)
        let result = run([0x81, 0xFE, 0x40, 0x01], config: config)
        #expect(result.output == [0x88, 0x02, 0x03, 0xF1])
        #expect(result.state == .closed)
        expectFailure([0x81, 0xFE, 0x40, 0x01], code: 1009, config: config)
    }

    @Test func hugeDeclaredLengthAllocatesNothing() {
        let connection = makeConnection()
        var output: [UInt8] = []
        let input: [UInt8] = [0x82, 0xFF, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]
        input.withUnsafeBytes { connection.receiveEach($0, now: t0, output: &output) { _ in } }
        #expect(output == serverClose(1009))
        #expect(connection.readerStorage.pointee.message.capacity == 0)
    }

    @Test func messageTooBigAcrossFragments() {
        let config = WebSocketServerConfig(maxMessageBytes: 10)
        expectFailure(clientFrame(0x2, [UInt8](repeating: 1, count: 6), fin: false) + clientFrame(0x0, [UInt8](repeating: 1, count: 6)),
                      code: 1009, config: config)
        // Exactly at the limit is fine.
        #expect(run(clientFrame(0x2, [UInt8](repeating: 1, count: 5), fin: false) + clientFrame(0x0, [UInt8](repeating: 1, count: 5)),
                    config: config).events == [.binary([UInt8](repeating: 1, count: 10))])
    }

    // §10.4 / ws 8.21.0: a flood of tiny fragments closes with 1008.
    @Test func tooManyFragments() {
        let config = WebSocketServerConfig(maxFragmentsPerMessage: 3)
        let three = text("a", fin: false) + clientFrame(0x0, [], fin: false) + clientFrame(0x0, Array("b".utf8))
        #expect(run(three, config: config).events == [.text("ab")])
        expectFailure(text("a", fin: false) + clientFrame(0x0, [], fin: false) + clientFrame(0x0, [], fin: false) + clientFrame(0x0, []),
                      code: 1008, config: config)
    }

    // §8.1: invalid UTF-8 in a text message -> 1007.
    @Test(arguments: [
        [0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0x61, 0x80], [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64],
    ] as [[UInt8]])
    func invalidUTF8(_ payload: [UInt8]) { expectFailure(clientFrame(0x1, payload), code: 1007) }

    @Test func truncatedCharacterAtEndOfMessage() { expectFailure(clientFrame(0x1, [0x61, 0xE2, 0x82]), code: 1007) }

    // Fail fast: the connection fails at the first bad byte, before the rest of the frame arrives.
    @Test func invalidUTF8FailsMidFrame() {
        let frame = clientFrame(0x1, Array("hello".utf8) + [0xF5] + Array("more text follows".utf8))
        let badIndex = 6 + 5  // header (2) + key (4) + "hello"
        let result = run(Array(frame[...badIndex]))
        #expect(result.output == serverClose(1007))
        #expect(result.state == .closed)
    }

    @Test func invalidUTF8FailsAtFragmentBoundary() {
        // E0 ends the first fragment; 80 would make an overlong form and proves it invalid at once.
        let input = clientFrame(0x1, [0x61, 0xE0], fin: false) + clientFrame(0x0, [0x80, 0x80, 0x61], fin: false)
        let result = run(input)
        #expect(result.output == serverClose(1007))
    }

    // §5.5.1: a 1-byte close body cannot hold a status code.
    @Test func closeWithOneByte() { expectFailure(clientFrame(0x8, [0x03]), code: 1002) }

    // §7.4: codes an endpoint must never send are a protocol error.
    @Test(arguments: [UInt16(0), 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])
    func invalidCloseCodes(_ code: UInt16) { expectFailure(clientFrame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)]), code: 1002) }

    // §5.5.1: the close reason is UTF-8.
    @Test func closeReasonNotUTF8() { expectFailure(clientFrame(0x8, [0x03, 0xE8, 0xCE, 0xBA, 0xED, 0xA0, 0x80]), code: 1007) }

    @Test func bytesAfterFailureAreIgnored() {
        let result = run(clientFrame(0x1, [0x61], masked: false) + text("later"))
        #expect(result.events == [.closed(code: 1002, reason: "", initiatedByPeer: false)])
        #expect(result.output == serverClose(1002))
    }
}
