import Foundation
import Testing
@testable import MingleServer
@testable import Mingling

/// One source of truth: the limits and error codes the documents promise are the ones the code enforces.
/// People write clients from these tables, so a drift is a bug.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Rows of every Markdown table in `text` whose header starts with `header`, as cells.
    static func tables(_ text: String, header: [String]) -> [[String]] {
        var rows: [[String]] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { inTable = false; continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if Array(cells.prefix(header.count)) == header { inTable = true; continue }
            if inTable, !(cells.first ?? "").hasPrefix("---") { rows.append(cells) }
        }
        return rows
    }

    /// `| \`key\` | 1...60 | characters | ...` rows of the "limit" tables of a document.
    static func documentedLimits(_ path: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for row in tables(try text(path), header: ["limit", "bounds"]) where row.count >= 3 {
            found[row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = "\(row[1]) \(row[2])"
        }
        return found
    }

    @Test(arguments: [
        ("Sources/MingleServer/ClientProtocol/README.md", Limit.Scope.message),
        ("README.md", Limit.Scope.admin),
        ("Config/README.md", Limit.Scope.eventFile),
    ])
    func everyLimitIsDocumentedAsEnforced(path: String, scope: Limit.Scope) throws {
        let documented = try Self.documentedLimits(path)
        let code = Dictionary(uniqueKeysWithValues: Limits.all.filter { $0.scope == scope }.map { ($0.key, $0.description) })
        #expect(!code.isEmpty)
        #expect(documented == code, "\(path): the limits table must list exactly the code's limits")
    }

    @Test func everyErrorCodeIsDocumentedOnce() throws {
        let readme = try Self.text("Sources/MingleServer/ClientProtocol/README.md")
        let documented = Self.tables(readme, header: ["code", "meaning"]).map { $0[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        #expect(documented.sorted() == ErrorCode.allCases.map(\.rawValue).sorted())
        #expect(Set(documented).count == documented.count, "each code once")
    }

    @Test func theJournalsCompactionThresholdIsTheOneDocumented() throws {
        let readme = try Self.text("README.md").replacingOccurrences(of: "\n  ", with: " ")
        let minimum = MinglingHub.compactionMinimumLines.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        #expect(readme.contains("pass \(MinglingHub.compactionLinesPerAttendee) per attendee (at least \(minimum);"))
    }

    @Test func theConnectionLogIsReadBackInTheChunkSizeDocumented() throws {
        let readme = try Self.text("README.md").replacingOccurrences(of: "\n", with: " ")
        #expect(readme.contains("It reads the log a megabyte at a time"))
        #expect(ConnectionLogFile.recoveryChunkBytes == 1 << 20)
    }

    @Test func everyConnectionLogClosedByAndEventIsDocumented() throws {
        let readme = try Self.text("README.md")
        let closedBy = Self.tables(readme, header: ["`closedBy`", "meaning"]).map { $0[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        #expect(closedBy == ConnectionLogEvent.ClosedBy.allCases.map(\.rawValue))
        let events = Self.tables(readme, header: ["`event`", "fields"]).flatMap {
            $0[0].split(separator: "/").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
        }
        #expect(Set(events) == Set(ConnectionLogEvent.Kind.allCases.map(\.rawValue)))
    }

    @Test func limitsAreEnforcedInCharactersNotBytes() {
        // A 30-character Japanese name is 90 bytes: allowed, as the protocol README says.
        let name = String(repeating: "山", count: 30)
        #expect(Limits.displayName.allows(text: name) && name.utf8.count == 90)
        #expect(!Limits.displayName.allows(text: String(repeating: "山", count: 61)))
        #expect(Limits.clientMessage.unit == .bytes)
    }
}
