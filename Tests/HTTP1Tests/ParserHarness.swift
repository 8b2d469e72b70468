import HTTP1
import MingleTestSupport

/// What feeding a connection's bytes produced: events with adjacent body pieces merged (how a
/// body is cut depends on the reads), and the error that stopped the parser, if any.
struct Outcome: Equatable, CustomStringConvertible {
    var events: [RequestEvent] = []
    var error: RequestError?

    mutating func record(_ event: RequestEvent) {
        if case .body(let more) = event, case .body(let earlier)? = events.last {
            events[events.count - 1] = .body(earlier + more)
        } else {
            events.append(event)
        }
    }

    var heads: [HTTPRequestHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    var description: String {
        let names = events.map { event -> String in
            switch event {
            case .head(let head): "head(\(head.method) \(head.target))"
            case .body(let bytes): "body(\(bytes.count))"
            case .end: "end"
            }
        }
        let failure = error.map { "\($0.kind)" } ?? "none"
        return "\(names) error: \(failure)"
    }
}

enum Feed {
    static func chunks(_ chunks: [[UInt8]], limits: HTTPLimits = HTTPLimits()) -> Outcome {
        var parser = RequestParser(limits: limits)
        var outcome = Outcome()
        do {
            for chunk in chunks {
                parser.append(chunk)
                while let event = try parser.next() { outcome.record(event) }
            }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    static func whole(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> Outcome {
        chunks([bytes], limits: limits)
    }

    static func byteByByte(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> Outcome {
        chunks(bytes.map { [$0] }, limits: limits)
    }

    /// Every two-piece split of `bytes` (short inputs) or `samples` seeded random cuts (long ones).
    static func splits(_ bytes: [UInt8], samples: Int = 200) -> [[[UInt8]]] {
        if bytes.count <= 2048 {
            return (0...bytes.count).map { [Array(bytes[..<$0]), Array(bytes[$0...])] }
        }
        var random = SplitMix64(seed: UInt64(bytes.count))
        return (0..<samples).map { _ in
            var cuts = (0..<Int.random(in: 1...8, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
            cuts.sort()
            var pieces: [[UInt8]] = []
            var start = 0
            for cut in cuts + [bytes.count] {
                pieces.append(Array(bytes[start..<cut]))
                start = cut
            }
            return pieces
        }
    }
}

func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

extension String {
    init(bytes: [UInt8]) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}
