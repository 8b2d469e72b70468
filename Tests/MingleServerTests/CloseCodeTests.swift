import Foundation
import Testing
import WebSocket
@testable import MingleServer

/// Mingle's own close codes: one definition, which the attendee page agrees with.
@Suite struct CloseCodeTests {
    @Test func applicationCodesArePrivateUseAndSendable() {
        for code in CloseCode.finalForAttendees {
            #expect((4000...4999).contains(code.rawValue), "RFC 6455 §7.4.2 private use")
            #expect(code.isAllowedOnWire)
            #expect(!code.summaryName.isEmpty)
        }
    }

    @Test func thePageStopsReconnectingOnExactlyTheFinalCodes() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/MingleServer/Public/js/connection.js").standardized
        let text = try String(contentsOf: script, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("const FINAL_CLOSE_CODES") }),
              let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else {
            Issue.record("FINAL_CLOSE_CODES not found in connection.js")
            return
        }
        let codes = line[line.index(after: open)..<close].split(separator: ",").compactMap {
            UInt16($0.trimmingCharacters(in: .whitespaces))
        }
        #expect(Set(codes) == Set(CloseCode.finalForAttendees.map(\.rawValue)))
    }
}
