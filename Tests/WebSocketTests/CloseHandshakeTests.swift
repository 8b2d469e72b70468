import Testing
@testable import WebSocket

@Suite struct CloseHandshakeTests {
    // §5.5.1 / §7.4: valid codes are echoed and the connection is over for the transport.
    @Test(arguments: [UInt16(1000), 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999])
    func validCloseCodeIsEchoed(_ code: UInt16) {
        let (result, consistent) = runAllSplits(clientFrame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array("bye".utf8)))
        #expect(consistent)
        #expect(result.output == serverClose(code))
        #expect(result.events == [.closed(code: code, reason: "bye", initiatedByPeer: true)])
        #expect(result.state == .closed)
    }

    @Test func emptyCloseIsAnsweredWithNormalClosure() {
        let result = run(clientFrame(0x8, []))
        #expect(result.output == serverClose(1000))
        #expect(result.events == [.closed(code: nil, reason: "", initiatedByPeer: true)])
    }

    @Test func framesAfterCloseAreIgnored() {
        let result = run(clientFrame(0x8, [0x03, 0xE8]) + clientFrame(0x9, []) + text("late"))
        #expect(result.output == serverClose(1000))
        #expect(result.events.count == 1)
    }

    @Test func closeInsideFragmentedMessage() {
        let result = run(text("part", fin: false) + clientFrame(0x8, [0x03, 0xE8]))
        #expect(result.events == [.closed(code: 1000, reason: "", initiatedByPeer: true)])
    }

    @Test func serverInitiatedClose() {
        let connection = makeConnection()
        var output: [UInt8] = []
        connection.close(code: 1001, reason: "bye", now: t0, output: &output)
        #expect(output == [0x88, 0x05, 0x03, 0xE9] + Array("bye".utf8))
        #expect(connection.state == .closing)
        #expect(!connection.isClosed)
        #expect(connection.nextDeadline == t0 + .seconds(10))
        #expect(!connection.send(text: "nope", output: &output))

        var events: [Recorded] = []
        output.removeAll()
        // Data after our Close is parsed but not delivered; pings are not answered.
        let input = text("ignored") + clientFrame(0x9, [1]) + clientFrame(0x8, [0x03, 0xE8])
        input.withUnsafeBytes { connection.receiveEach($0, now: t0, output: &output) { events.append(Recorded($0)) } }
        #expect(output.isEmpty)
        #expect(events == [.closed(code: 1001, reason: "", initiatedByPeer: false)])
        #expect(connection.isClosed)
        #expect(connection.nextDeadline == nil)
    }

    @Test func closeTwiceSendsOnce() {
        let connection = makeConnection()
        var output: [UInt8] = []
        connection.close(code: 1000, reason: "", now: t0, output: &output)
        connection.close(code: 1000, reason: "", now: t0, output: &output)
        #expect(output == serverClose(1000))
    }

    // §7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control frame".
    @Test(arguments: [UInt16(1005), 1006, 1015, 0, 2000])
    func forbiddenCodesAreNeverSent(_ code: UInt16) {
        let connection = makeConnection()
        var output: [UInt8] = []
        connection.close(code: code, reason: "", now: t0, output: &output)
        #expect(output == serverClose(1000))
    }

    // §5.5: control frame payloads are at most 125 bytes, so the reason is at most 123.
    @Test func longReasonIsCutOnCharacterBoundary() {
        let connection = makeConnection()
        var output: [UInt8] = []
        let reason = String(repeating: "a", count: 122) + "é" + "tail"
        connection.close(code: 1000, reason: reason, now: t0, output: &output)
        #expect(output.count == 2 + 2 + 122)
        #expect(output[1] == 124)
        #expect(Array(output[4...]) == Array(String(repeating: "a", count: 122).utf8))

        let connection2 = makeConnection()
        var output2: [UInt8] = []
        connection2.close(code: 1000, reason: String(repeating: "€", count: 60), now: t0, output: &output2)
        #expect(output2[1] == 2 + 123)
        #expect(String(validating: output2[4...], as: UTF8.self) == String(repeating: "€", count: 41))
    }

    @Test func closeFromEventCallbackStopsDelivery() {
        let connection = makeConnection()
        var output: [UInt8] = []
        var closeOutput: [UInt8] = []
        var events: [Recorded] = []
        let input = text("first") + text("second")
        input.withUnsafeBytes { bytes in
            connection.receiveEach(bytes, now: t0, output: &output) { event in
                events.append(Recorded(event))
                connection.close(code: 1000, reason: "", now: t0, output: &closeOutput)
            }
        }
        #expect(events == [.text("first")])
        #expect(closeOutput == serverClose(1000))
        #expect(connection.state == .closing)
    }
}
