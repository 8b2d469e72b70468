import Testing
import MingleTestSupport
@testable import WebSocket

@Suite struct PropertyTests {
    /// Random messages, randomly fragmented with pings interleaved, fed in random chunks, come out
    /// as the original messages with every ping answered.
    @Test(arguments: 1...20)
    func encodeThenParseIsIdentity(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var input: [UInt8] = []
        var expectedEvents: [Recorded] = []
        var expectedOutput: [UInt8] = []
        for _ in 0..<Int.random(in: 1...30, using: &rng) {
            let isText = Bool.random(using: &rng)
            let length = [0, 1, 5, 125, 126, 200, 70_000].randomElement(using: &rng)!
            let message: [UInt8] = isText
                ? Array(String((0..<length).map { _ in "aé€𝄞z".randomElement(using: &rng)! }).utf8)
                : (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expectedEvents.append(isText ? .text(message) : .binary(message))
            // Split at byte boundaries anywhere, even inside a character.
            var cuts = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int.random(in: 0...message.count, using: &rng) }.sorted()
            cuts = [0] + cuts + [message.count]
            for i in 0..<(cuts.count - 1) {
                let key = (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let opcode: UInt8 = i == 0 ? (isText ? 1 : 2) : 0
                input += clientFrame(opcode, Array(message[cuts[i]..<cuts[i + 1]]), fin: i == cuts.count - 2, key: key)
                if Bool.random(using: &rng) {
                    let ping = (0..<Int.random(in: 0...125, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    input += clientFrame(0x9, ping, key: key)
                    expectedOutput += [0x8A, UInt8(ping.count)] + ping
                }
            }
        }
        var chunks: [Int] = []
        var total = 0
        while total < input.count {
            let n = [1, 2, 3, 7, 100, 4096, 65_536].randomElement(using: &rng)!
            chunks.append(n)
            total += n
        }
        let config = WebSocketServerConfig(maxMessageBytes: 1 << 20)
        let result = run(input, chunks: chunks, config: config)
        #expect(result.events == expectedEvents)
        #expect(result.output == expectedOutput)
        #expect(result.state == .open)
    }

    /// Random bytes never trap; they end in messages, waiting, or a Close with a known code.
    @Test(arguments: 1...10)
    func randomBytesNeverTrap(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let length = Int.random(in: 0...300, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Bias towards plausible headers so parsing gets past the first bytes.
            if !bytes.isEmpty && Bool.random(using: &rng) { bytes[0] = [0x81, 0x82, 0x01, 0x80, 0x89, 0x88, 0xC1, 0xC2].randomElement(using: &rng)! }
            if bytes.count > 1 && Bool.random(using: &rng) { bytes[1] = 0x80 | (bytes[1] & 0x7F) }
            let deflate = Bool.random(using: &rng) ? defaultDeflate : nil
            let result = run(bytes, chunks: [Int.random(in: 1...300, using: &rng), 300], config: WebSocketServerConfig(maxMessageBytes: 4096), deflate: deflate)
            if result.state == .closed {
                let code = UInt16(result.output[result.output.count - 2]) << 8 | UInt16(result.output.last!)
                #expect([1000, 1002, 1007, 1008, 1009].contains(code) || (3000...4999).contains(code) || (1000...1014).contains(code))
            }
        }
    }
}
