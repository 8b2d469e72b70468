@testable import BenchClient
import Testing

@Suite struct FrameCodecTests {
    /// RFC 6455 §5.7: a single-frame masked text message "Hello".
    @Test func masksLikeTheRFCExample() {
        var out: [UInt8] = []
        Array("Hello".utf8).withUnsafeBytes {
            FrameCodec.appendMaskedFrame($0, opcode: 1, rsv1: false, mask: 0x37FA_213D, to: &out)
        }
        #expect(out == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func encodesExtendedLengths() {
        for (n, header) in [(125, 2), (126, 4), (65535, 4), (65536, 10)] {
            var out: [UInt8] = []
            [UInt8](repeating: 7, count: n).withUnsafeBytes {
                FrameCodec.appendMaskedFrame($0, opcode: 2, rsv1: true, mask: 1, to: &out)
            }
            #expect(out.count == header + 4 + n)
            #expect(out[0] == 0xC2)
        }
    }

    /// Unmasked server frames: the header is reported only once complete, at every split point.
    @Test func parsesHeadersSplitAnywhere() {
        let frame: [UInt8] = [0x81, 126, 0x01, 0x00] + [UInt8](repeating: 0x61, count: 256)
        for cut in 0...frame.count {
            let h = Array(frame[0..<cut]).withUnsafeBytes { FrameCodec.parseHeader($0, at: 0) }
            if cut < 4 { #expect(h == nil) } else {
                #expect(h?.length == 256)
                #expect(h?.payloadStart == 4)
                #expect(h?.opcode == 1)
                #expect(h?.fin == true)
            }
        }
    }

    @Test func findsTheEndOfAResponseHead() {
        #expect(FrameCodec.headEnd(Array("HTTP/1.1 101 x\r\n\r\nrest".utf8)) == 14)
        #expect(FrameCodec.headEnd(Array("HTTP/1.1 101 x\r\n\r".utf8)) == nil)
    }

    /// RFC 4648 §10 test vectors.
    @Test func base64() {
        let cases = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in cases { #expect(Base64Text.encode(Array(plain.utf8)) == encoded) }
    }
}

@Suite struct ResultTests {
    @Test func percentilesAreNearestRank() {
        var l = Latencies()
        for us in 1...100 { l.record(microseconds: Int64(us)) }
        let s = l.summary([50, 90, 99])
        #expect(s["p50"] == 50)
        #expect(s["p90"] == 90)
        #expect(s["p99"] == 99)
        #expect(s["max"] == 100)
        #expect(Latencies().summary([50])["p50"] == 0)
    }

    @Test func durationsBecomeMicroseconds() {
        var l = Latencies()
        l.record(.milliseconds(3))
        #expect(l.samples == [3000])
    }

    @Test func jsonLineEscapesAndOrders() {
        var j = JSONLine()
        j.add("name", "a\"b\\c\n")
        j.add("n", 3)
        j.add("x", 1.5)
        j.add("ok", true)
        j.add("lat", ["p99": 2.0, "max": 4.0])
        #expect(j.text == #"{"name":"a\"b\\c\n","n":3,"x":1.5,"ok":true,"lat_max":4,"lat_p99":2}"#)
    }
}
