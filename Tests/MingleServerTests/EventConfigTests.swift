import Foundation
import Testing
@testable import MingleServer
import Mingling

@Suite struct EventConfigTests {
    static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/event.json").path

    func errors(_ text: String) -> [String] {
        switch EventConfigLoader.parse(Data(text.utf8), fileName: "event.json") {
        case .success: return []
        case .failure(let errors): return errors.errors.map(\.description)
        }
    }

    /// A valid file with one session; `session` and `extra` splice in variations.
    func file(session: String = "", mingle: String = "", extra: String = "") -> String {
        """
        {
          "event": { "id": "e1", "name": "Test", "timeZone": "Europe/Oslo" },
          "attributes": [ { "id": "region", "label": "Region", "values": [ { "id": "viken", "label": "Viken" } ] } ],
          "sessions": [
            { "id": "s1", "title": "One", "start": "2026-10-13T09:00:00+02:00", "end": "2026-10-13T10:00:00+02:00",
              "mingle": { \(mingle) } \(session) }
          ] \(extra)
        }
        """
    }

    @Test func exampleFileLoadsClean() throws {
        let plan = try EventConfigLoader.load(path: Self.exampleFile).get()
        #expect(plan.event.name == "Improving co-creation in public services")
        #expect(plan.attributes.map(\.id) == ["region", "attendance", "languages"])
        #expect(plan.attribute("languages")?.multiple == true && plan.attribute("languages")?.required == true)
        let share = PairingRule(attribute: "languages", policy: .share), region = PairingRule(attribute: "region", policy: .mix)
        #expect(plan.session("welcome")?.mingle?.rules == [share, region, PairingRule(attribute: "attendance", policy: .mix)])
        #expect(plan.sessions.compactMap(\.mingle).allSatisfy { $0.rules.first == share }, "every mingling shares a language")
        #expect(plan.session("case-dublin")?.mingle?.rules == [share, region])
        #expect(plan.attribute("region")?.values.map(\.id).contains("madrid") == true)
        #expect(plan.rooms.map(\.id) == ["plenary", "home-care", "citizen-labs", "digital-services"])
        #expect(plan.rooms.map(\.sessions.count) == [3, 1, 1, 1])
        #expect(plan.rooms[1].location == "Room 2.14, second floor")
        #expect(plan.sessions[0].start == Timestamp(secondsSinceEpoch: 1_813_044_600))
        let workshops = plan.rooms.dropFirst().map { $0.sessions[0] }
        #expect(Set(workshops.map(\.start)).count == 1, "the workshops run in parallel")
        #expect(workshops.allSatisfy { $0.mingle != nil }, "each mingles after itself")
        #expect(plan.session("case-madrid")?.mingle?.start == .manual)
        #expect(plan.session("case-madrid")?.mingle?.policy == .share)
        #expect(plan.session("case-norway")?.mingle?.warningSeconds == 30, "defaults fill omitted keys")
        #expect(plan.session("closing")?.mingle == nil)
        #expect(plan.access == .accessCode("COCREATE26"))
        #expect(plan.iceServers.isEmpty, "the example lists no third-party ICE servers")
        #expect(plan.privacy == Privacy(retentionDays: 30, ipLogging: .truncated))
        let summary = EventConfigLoader.summary(of: plan)
        #expect(summary.contains("Tue 2027-06-15 09:30-10:15 welcome: Welcome: why co-create public services?"))
        #expect(summary.contains("mingling (manual): 2 x 480 s (~16 min), groups of 4, share by languages, then mix by attendance"))
        #expect(summary.contains("languages (required, several values): 7 values: en, no, es, fr, it, nl, ga"))
        #expect(summary.contains("Access: access code required"))
        #expect(!summary.contains("COCREATE26"), "the code is not printed")
    }

    @Test func minimalFileWithDefaults() throws {
        let plan = try EventConfigLoader.parse(Data(file().utf8), fileName: "event.json").get()
        #expect(plan.sessions[0].mingle == MinglePlan())
        #expect(plan.access == .open)
        #expect(plan.privacy == Privacy())
    }

    @Test func json5CommentsAndTrailingCommasAreAccepted() throws {
        let text = """
        // leading comment
        {
          /* block
             comment */
          "event": { "id": "e1", "name": "Test", "timeZone": "UTC", }, // trailing comma
          "attributes": [ { "id": "region", "label": "Region", "values": [ { "id": "a", "label": "A" }, ], }, ],
          "sessions": [],
        }
        """
        let plan = try EventConfigLoader.parse(Data(text.utf8), fileName: "event.json").get()
        #expect(plan.event.timeZone == "UTC")
    }

    @Test func severalErrorsAreReportedAtOnce() {
        let text = file(
            session: #", "titel": "typo""#,
            mingle: #""rounds": 0, "roundSeconds": 5, "groupSize": 7, "policy": "mixed", "pairBy": "country""#,
            extra: #", "privacy": { "retentionDays": "30", "ipLogging": "all" }"#)
        #expect(errors(text) == [
            "event.json: sessions[0].mingle.rounds: must be 1...20, got 0",
            "event.json: sessions[0].mingle.roundSeconds: must be 30...1800, got 5",
            "event.json: sessions[0].mingle.groupSize: must be 2...6, got 7",
            #"event.json: sessions[0].mingle.policy: must be one of "mix", "same", "share", "any", got "mixed""#,
            #"event.json: sessions[0].mingle.pairBy: must name a declared attribute (region), got "country""#,
            "event.json: sessions[0].titel: unknown key (allowed: id, title, start, end, mingle)",
            #"event.json: privacy.retentionDays: must be an integer, got "30""#,
            #"event.json: privacy.ipLogging: must be one of "full", "truncated", "hashed", "off", got "all""#,
        ])
    }

    @Test func unknownKeysAndMissingKeysAreErrors() {
        let text = """
        { "event": { "id": "e1", "nmae": "x", "timeZone": "Europe/Oslo" }, "attributes": [], "sesions": [] }
        """
        #expect(errors(text) == [
            "event.json: event.name: is required",
            "event.json: event.nmae: unknown key (allowed: id, name, timeZone)",
            "event.json: rooms: is required (or top-level sessions, for an event with one room)",
            "event.json: sesions: unknown key (allowed: event, attributes, sessions, rooms, access, iceServers, privacy)",
        ])
    }

    @Test func timesNeedAnOffsetAndSessionsAnOrder() {
        let text = """
        {
          "event": { "id": "e1", "name": "Test", "timeZone": "Mars/Olympus" },
          "attributes": [ { "id": "region", "label": "Region", "values": [ { "id": "viken", "label": "Viken" } ] } ],
          "sessions": [
            { "id": "a", "title": "A", "start": "2026-10-13T09:00:00+02:00", "end": "2026-10-13T10:00:00+02:00" },
            { "id": "b", "title": "B", "start": "2026-10-13T09:30:00+02:00", "end": "2026-10-13T11:00:00+02:00" },
            { "id": "c", "title": "C", "start": "2026-10-13T12:00:00", "end": "2026-10-13T11:00:00Z" },
            { "id": "d", "title": "D", "start": "2026-10-13T14:00:00Z", "end": "2026-10-13T13:00:00Z" },
            { "id": "a", "title": "A again", "start": "2026-10-14T09:00:00Z", "end": "2026-10-14T10:00:00Z" }
          ]
        }
        """
        #expect(errors(text) == [
            #"event.json: event.timeZone: must be an IANA time zone such as "Europe/Brussels", got "Mars/Olympus""#,
            #"event.json: sessions[2].start: must be an ISO 8601 date-time with offset such as "2026-10-13T09:30:00+02:00", got "2026-10-13T12:00:00""#,
            "event.json: sessions[3].end: must be after start",
            #"event.json: sessions[4].id: duplicate of sessions[0].id ("a")"#,
            "event.json: sessions[1].start: must not be before sessions[0].end (a room's sessions are listed in order and do not overlap; sessions in different rooms may)",
        ])
    }

    @Test func accessIceAndWarningRules() {
        let text = file(
            mingle: #""roundSeconds": 60, "warningSeconds": 60"#,
            extra: #"""
            , "access": { "mode": "code", "code": "abc" },
              "iceServers": [ { "urls": ["turn:t.example.org"] }, { "urls": ["http://x"] } ]
            """#)
        #expect(errors(text) == [
            "event.json: sessions[0].mingle.warningSeconds: must be less than roundSeconds (60), got 60",
            "event.json: access.code: must be 4...64 characters, got 3",
            "event.json: iceServers[0].username: is required for turn: URLs",
            "event.json: iceServers[0].credential: is required for turn: URLs",
            #"event.json: iceServers[1].urls[0]: must be a stun:, stuns:, turn: or turns: URL, got "http://x""#,
        ])
    }

    @Test func pairByDefaultsToRegionOnlyIfDeclared() {
        let text = file().replacingOccurrences(of: #""id": "region", "label": "Region""#, with: #""id": "lang", "label": "Language""#)
        #expect(errors(text) == [
            #"event.json: sessions[0].mingle.pairBy: is required when no attribute "region" is declared (declared: lang)"#,
        ])
    }

    @Test func syntaxErrorsNameTheFile() {
        let result = errors("{ \"event\": { \"id\": \"e1\" ")
        #expect(result.count == 1)
        #expect(result.first?.hasPrefix("event.json: not valid JSON") == true)
        #expect(errors("[1, 2]") == ["event.json: must be an object, got an array"])
        let commented = "// a comment, with \"quotes\"\n{\n  /* block */ \"event\": {\n    \"id\": \"e1\",, \"name\": \"n\",\n  },\n}"
        #expect(errors(commented) == ["event.json: not valid JSON (near line 4, column 16)"])
    }

    @Test func missingFileIsAnError() {
        guard case .failure(let errors) = EventConfigLoader.load(path: "/nonexistent/event.json") else {
            Issue.record("loaded a missing file")
            return
        }
        #expect(errors.errors.first?.description.hasPrefix("event.json: cannot read /nonexistent/event.json") == true)
    }

    @Test func iso8601KnownAnswers() {
        #expect(UTCTime.parseRFC3339("2026-10-13T09:30:00+02:00") == Timestamp(secondsSinceEpoch: 1_791_876_600))
        #expect(UTCTime.parseRFC3339("2026-10-13T07:30Z") == Timestamp(secondsSinceEpoch: 1_791_876_600))
        #expect(UTCTime.parseRFC3339("2024-02-29T00:00:00Z") == Timestamp(secondsSinceEpoch: 1_709_164_800))
        #expect(UTCTime.parseRFC3339("1970-01-01T00:00:00+01:00") == Timestamp(secondsSinceEpoch: -3600))
        for bad in ["2026-10-13T09:30:00", "2026-02-29T00:00:00Z", "2026-10-13 09:30:00Z", "2026-10-13T24:00:00Z",
                    "2026-10-13T09:30:00.5Z", "2026-10-13T09:30:00+2:00", ""] {
            #expect(UTCTime.parseRFC3339(bad) == nil, "\(bad)")
        }
    }
}
