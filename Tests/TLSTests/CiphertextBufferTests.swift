@testable import TLS
import Testing

@Suite struct CiphertextBufferTests {
    @Test func partialRecordsDoNotAccumulateConsumedBytes() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath)
        let server = context.makeSession()
        try #require(pump(client, server) == .complete)
        var plaintext: [UInt8] = []
        var expected: [UInt8] = []
        var leftover: [UInt8] = []
        for round in 0..<200 {
            let message = [UInt8](repeating: UInt8(truncatingIfNeeded: round), count: 1_000)
            expected += message
            client.write(message)
            let wire = leftover + client.takeOutput()
            // Hold back the last 10 bytes every time, so a partial record is always buffered.
            wire.dropLast(10).withUnsafeBytes { server.receivedCiphertext($0) }
            leftover = Array(wire.suffix(10))
            _ = server.readPlaintext(into: &plaintext)
            #expect(server.buffers.inbound.count < 2_000)  // storage, consumed prefix included
        }
        leftover.withUnsafeBytes { server.receivedCiphertext($0) }
        _ = server.readPlaintext(into: &plaintext)
        #expect(plaintext == expected)
        #expect(server.bufferedCiphertextBytes == 0)
    }
}
