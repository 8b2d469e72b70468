import Foundation
import Mingling
import Testing

/// The join form checks the server's bounds before sending; it must check the same ones (Limits.swift is the
/// one definition, the page's `LIMITS` a copy this test keeps equal).
@Suite struct PageLimitsTests {
    static let joinScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/MingleServer/Public/js/views/join.js").standardized

    /// `{ name: 60, organisation: 100, ... }` from the line `const LIMITS = {...};`.
    static func pageLimits() throws -> [String: Int] {
        let text = try String(contentsOf: joinScript, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("const LIMITS = {") }),
              let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { return [:] }
        var limits: [String: Int] = [:]
        for pair in line[line.index(after: open)..<close].split(separator: ",") {
            let parts = pair.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let value = Int(parts[1].replacingOccurrences(of: "_", with: "")) { limits[parts[0]] = value }
        }
        return limits
    }

    @Test func theJoinFormChecksTheServersBounds() throws {
        let expected: [String: Limit] = [
            "name": Limits.displayName, "organisation": Limits.organisation, "email": Limits.email,
            "link": Limits.link, "accessCode": Limits.accessCode, "choices": Limits.attributeChoices,
        ]
        let page = try Self.pageLimits()
        #expect(Set(page.keys) == Set(expected.keys), "join.js LIMITS has \(page.keys.sorted())")
        for (name, limit) in expected { #expect(page[name] == limit.maximum, "\(name): page \(page[name] ?? -1), server \(limit.maximum)") }
    }
}
