import Testing
import TLS

/// HMAC-SHA-1 against RFC 2202 §3 (test cases 1, 2 and 6): the algorithm TURN REST credentials use.
@Suite struct HMACSHA1Tests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    @Test func rfc2202KnownAnswers() {
        #expect(hex(HMACSHA1.authenticate(Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20)))
                == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(hex(HMACSHA1.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8)))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        // A key longer than the block size is hashed first (case 6).
        #expect(hex(HMACSHA1.authenticate(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                                          key: [UInt8](repeating: 0xaa, count: 80)))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }
}
