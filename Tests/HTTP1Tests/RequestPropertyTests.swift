import Testing
import MingleTestSupport
@testable import HTTP1

/// Seeded random requests and random bytes: the parser reads back what a writer wrote, and any
/// input ends in events, "need more", or a typed error.
@Suite struct RequestPropertyTests {
    static let tokenChars = Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    static let pathChars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%/|^[]".utf8)
    static let valueChars = Array(" \tabcdefghijklmnopqrstuvwxyz0123456789\"(),/:;<=>?@[\\]{}é".utf8)

    struct Generated {
        var head: HTTPRequestHead
        var body: [UInt8]
        var wire: [UInt8]
    }

    static func string(from alphabet: [UInt8], count: Int, using random: inout SplitMix64) -> String {
        String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &random)! }, as: UTF8.self)
    }

    static func request(using random: inout SplitMix64) -> Generated {
        let method = string(from: tokenChars, count: Int.random(in: 1...10, using: &random), using: &random)
        var target = "/" + string(from: pathChars, count: Int.random(in: 0...60, using: &random), using: &random)
        if Bool.random(using: &random) {
            target += "?" + string(from: pathChars + Array("?".utf8), count: Int.random(in: 0...30, using: &random), using: &random)
        }
        var headers = HTTPHeaders()
        let hostIndex = Int.random(in: 0...5, using: &random)
        for index in 0..<6 {
            if index == hostIndex { headers.append(name: "Host", value: "mingle.example:8443") }
            var name = string(from: tokenChars, count: Int.random(in: 1...20, using: &random), using: &random)
            if ["host", "content-length", "transfer-encoding"].contains(name.lowercased()) { name = "X-" + name }
            var value = string(from: valueChars, count: Int.random(in: 0...40, using: &random), using: &random)
            value = String(Substring(value).trimmingWhitespace())
            headers.append(name: name, value: value)
        }
        let body = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        var framedBody: [UInt8] = []
        switch Int.random(in: 0...2, using: &random) {
        case 0 where body.isEmpty:
            break
        case 1:
            headers.append(name: "Transfer-Encoding", value: "chunked")
            var rest = body[...]
            while !rest.isEmpty {
                let size = Int.random(in: 1...rest.count, using: &random)
                framedBody += Array(String(size, radix: 16).utf8) + bytes("\r\n") + rest.prefix(size) + bytes("\r\n")
                rest = rest.dropFirst(size)
            }
            framedBody += bytes("0\r\n\r\n")
        default:
            headers.append(name: "Content-Length", value: String(body.count))
            framedBody = body
        }
        let head = HTTPRequestHead(method: method, target: target, versionMinor: 1, headers: headers)
        return Generated(head: head, body: body, wire: head.serialize() + framedBody)
    }

    @Test func writtenRequestsParseBackEqual() {
        var random = SplitMix64(seed: 0x4D49_4E47_4C45)
        var stream: [UInt8] = []
        var expected: [Generated] = []
        for _ in 0..<300 {
            let generated = Self.request(using: &random)
            let outcome = Feed.whole(generated.wire)
            #expect(outcome.error == nil)
            #expect(outcome.heads == [generated.head])
            let body = outcome.events.compactMap { if case .body(let piece) = $0 { piece } else { nil } }.joined()
            #expect(Array(body) == generated.body)
            #expect(outcome.events.last == .end)
            stream += generated.wire
            expected.append(generated)
        }
        // The same requests pipelined on one connection, cut at random points.
        var pieces: [[UInt8]] = []
        var start = 0
        while start < stream.count {
            let size = min(stream.count - start, Int.random(in: 1...700, using: &random))
            pieces.append(Array(stream[start..<(start + size)]))
            start += size
        }
        let pipelined = Feed.chunks(pieces)
        #expect(pipelined.error == nil)
        #expect(pipelined.heads == expected.map(\.head))
    }

    @Test func randomBytesGiveEventsNeedMoreOrATypedError() {
        var random = SplitMix64(seed: 7)
        let valid = bytes("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\n\r\n")
        for round in 0..<3000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                // Mutations of a valid request reach the deeper states.
                input = valid
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let index = Int.random(in: 0..<input.count, using: &random)
                    switch Int.random(in: 0...2, using: &random) {
                    case 0: input[index] = UInt8.random(in: 0...255, using: &random)
                    case 1: input.remove(at: index)
                    default: input.insert(Array("\r\n :;0\t".utf8).randomElement(using: &random)!, at: index)
                    }
                }
            }
            var parser = RequestParser(limits: HTTPLimits(
                maxRequestLineBytes: 64, maxHeaderLineBytes: 64, maxHeaderCount: 4, maxHeadBytes: 128, maxChunkLineBytes: 64
            ))
            var offset = 0
            feeding: while offset < input.count {
                let size = min(input.count - offset, Int.random(in: 1...16, using: &random))
                parser.append(Array(input[offset..<(offset + size)]))
                offset += size
                do {
                    while try parser.next() != nil {}
                } catch {
                    #expect([400, 413, 414, 431, 501, 505].contains(error.status))
                    break feeding
                }
                #expect(parser.bufferedByteCount <= 128 + 16)
            }
        }
    }
}
