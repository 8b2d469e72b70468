import Foundation
import MingleTestSupport
import Mingling
import Testing
@testable import MingleServer

/// The quoting every hand-built line uses (connection log, journal, server messages): what a JSON
/// parser reads back is the text that went in.
@Suite struct JSONTextTests {
    @Test func escapesWhatJSONRequiresAndNothingElse() {
        #expect(JSONText.quote("plain text") == "\"plain text\"")
        #expect(JSONText.quote("") == "\"\"")
        #expect(JSONText.quote("say \"hi\" \\ bye") == #""say \"hi\" \\ bye""#)
        #expect(JSONText.quote("a\nb\rc\td") == #""a\nb\rc\td""#)
        #expect(JSONText.quote("\u{0}\u{1}\u{1F}") == #""\u0000\u0001\u001f""#)
        #expect(JSONText.quote("Málaga 🇪🇸 / ø \u{7F}") == "\"Málaga 🇪🇸 / ø \u{7F}\"")
    }

    @Test func whatGoesInComesBackThroughAJSONParser() throws {
        var random = SplitMix64(seed: 6)
        let pieces = ["a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{8}", "\u{1B}", "é", "€", "🙂", "/", "\u{7F}"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...30, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            var line: [UInt8] = Array("[".utf8)
            JSONText.appendQuoted(text, to: &line)
            line.append(UInt8(ascii: "]"))
            let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String]
            #expect(parsed == [text])
            #expect(Array(JSONText.quote(text).utf8) == Array(line.dropFirst().dropLast()))
        }
    }
}

/// A client cannot make a connection-log line huge: long values are cut at a number of characters.
@Suite struct ConnectionLogFieldLimitTests {
    func userAgent(in event: ConnectionLogEvent) throws -> String {
        var privacy = AddressPrivacy(mode: .off)
        let line = event.jsonLine(privacy: &privacy)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["userAgent"] as? String)
    }

    @Test func longValuesAreCutAtTheLimitInCharactersNotBytes() throws {
        let limit = ConnectionLogEvent.maxFieldCharacters
        var event = ConnectionLogEvent(.request, at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000), connection: 1)
        // Under the limit in characters but over it in bytes: kept whole.
        event.userAgent = String(repeating: "é", count: limit)
        #expect(try userAgent(in: event) == event.userAgent)
        event.userAgent = String(repeating: "🇪🇸", count: limit - 1) + "x"
        #expect(try userAgent(in: event) == event.userAgent)
        // Over the limit: the first `limit` characters, none of them split.
        event.userAgent = String(repeating: "é", count: limit + 1)
        #expect(try userAgent(in: event) == String(repeating: "é", count: limit))
        event.userAgent = String(repeating: "a", count: limit) + "🙂"
        #expect(try userAgent(in: event) == String(repeating: "a", count: limit))
    }
}
