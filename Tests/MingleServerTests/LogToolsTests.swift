import Foundation
import Mingling
import Testing
@testable import MingleServer

/// `mingle logs summary` against a fixture, and `export-contacts` printing only mutual exchanges.
@Suite struct LogToolsTests {
    static let connectionLog = """
    {"time":"2026-11-30T09:00:01.000Z","event":"accepted","conn":"1","remote":"198.51.100.0"}
    {"time":"2026-11-30T09:00:01.010Z","event":"upgrade","conn":"1","path":"/ws","status":101}
    {"time":"2026-11-30T09:00:01.020Z","event":"joined","conn":"1","attendee":1,"room":"plenary"}
    {"time":"2026-11-30T09:00:02.000Z","event":"accepted","conn":"2","remote":"198.51.100.0"}
    {"time":"2026-11-30T09:00:02.010Z","event":"upgrade","conn":"2","path":"/ws","status":101}
    {"time":"2026-11-30T09:00:02.020Z","event":"joined","conn":"2","attendee":2,"room":"plenary"}
    {"time":"2026-11-30T09:00:03.000Z","event":"accepted","conn":"3","remote":"198.51.100.0"}
    {"time":"2026-11-30T09:00:03.010Z","event":"upgrade","conn":"3","path":"/ws","status":101}
    {"time":"2026-11-30T09:00:03.020Z","event":"joined","conn":"3","attendee":3,"room":"workshop-a"}
    {"time":"2026-11-30T09:05:00.000Z","event":"room","conn":"3","attendee":3,"room":"plenary"}
    {"time":"2026-11-30T09:10:01.000Z","event":"closed","conn":"1","closedBy":"network","code":1006,"attendee":1,"durationMs":600000}
    {"time":"2026-11-30T09:11:00.000Z","event":"accepted","conn":"4","remote":"198.51.100.0"}
    {"time":"2026-11-30T09:11:00.010Z","event":"upgrade","conn":"4","path":"/ws","status":101}
    {"time":"2026-11-30T09:11:00.020Z","event":"joined","conn":"4","attendee":1}
    {"time":"2026-11-30T09:11:30.000Z","event":"accepted","conn":"5"}
    {"time":"2026-11-30T09:11:30.010Z","event":"request","conn":"5","path":"/healthz","status":200}
    {"time":"2026-11-30T09:11:30.020Z","event":"closed","conn":"5","closedBy":"client","durationMs":20}
    {"time":"2026-11-30T09:30:00.000Z","event":"closed","conn":"2","closedBy":"client","code":1000,"attendee":2,"durationMs":1798000}
    {"time":"2026-11-30T09:30:00.000Z","event":"closed","conn":"3","closedBy":"server","code":1001,"attendee":3,"durationMs":1797000}
    {"time":"2026-11-30T09:30:00.000Z","event":"closed","conn":"4","closedBy":"server","code":1001,"attendee":1,"durationMs":1140000}
    not json

    """

    static let summaryText = """
    Connections                   5 (4 WebSocket)
    Unique attendees              3
    Attendee session length       median 19 min 0 s, p90 29 min 58 s
    Reconnects                    1 extra connections, 1 resumes in the journal
    Busiest minute                2026-11-30 09:00 UTC: 3 new connections
    Closed by                     client 2, server 2, network 1
    Close codes:
      1000 normal               1
      1001 going away           2
      1006 abnormal (no close)  1
    Meetings                      3, of which 2 across regions (66%)
    By region:                    attendees  meetings
      madrid                              1         2
      viken                               2         3
    By room:                      joined   entered  meetings
      plenary                             2         1         2
      workshop-a                          1         0         1
    Good conversation?:               yes     so-so        no
      plenary                             1         1         0
        s1 round 1                        1         0         0
        s1 round 2                        0         1         0
      workshop-a                          0         0         1
        ws-a round 1                      0         0         1
    Unreadable lines skipped      1
    """

    static func journalEvents() -> [DomainEvent] {
        let t = Timestamp(secondsSinceEpoch: 1_796_029_200)
        func p(_ name: String, _ region: String, _ email: String?) -> Profile {
            Profile(displayName: name, attributes: ["region": region], contactCard: email.map { ContactCard(name: name, email: $0) })
        }
        let a = AttendeeID(1), b = AttendeeID(2), c = AttendeeID(3)
        func bo(_ id: UInt64, _ m: [AttendeeID], _ room: RoomID = "plenary") -> Breakout {
            Breakout(id: BreakoutID(id), room: room, members: m, prompt: nil, endsAt: t)
        }
        return [
            .attendeeRegistered(a, p("Kari", "viken", "kari@example.org"), at: t),
            .attendeeRegistered(b, p("Lucía", "madrid", "lucia@example.org"), at: t),
            .attendeeRegistered(c, p("Ola, \"O\"", "viken", "=cmd()@example.org"), at: t),
            .roundStarted(.single, SessionID("s1"), round: 1, startedAt: t, endsAt: t, breakouts: [bo(1, [a, b])], unplaced: [c]),
            .breakoutFormed(bo(2, [c, a], "workshop-a")),
            .stayInTouchRequested(from: a, to: b),
            .stayInTouchRequested(from: b, to: a),
            .contactsExchanged(first: a, second: b, firstCard: ContactCard(name: "Kari", email: "kari@example.org"),
                               secondCard: ContactCard(name: "Lucía", email: "lucia@example.org")),
            .stayInTouchRequested(from: c, to: a),  // one-sided: must never appear
            .attendeeResumed(a, at: t, breakout: nil),
            .feedbackGiven(a, BreakoutID(1), answer: .yes, room: "plenary", session: "s1", round: 1, at: t),
            .feedbackGiven(c, BreakoutID(2), answer: .no, room: "workshop-a", session: "ws-a", round: 1, at: t),
            .roundStarted(.single, SessionID("s1"), round: 2, startedAt: t, endsAt: t, breakouts: [bo(3, [b, c])], unplaced: []),
            .feedbackGiven(b, BreakoutID(3), answer: .soSo, room: "plenary", session: "s1", round: 2, at: t),
        ]
    }

    func writeFixtures(_ dir: TemporaryDirectory) -> (log: String, journal: String) {
        let log = dir.path + "/connections.jsonl"
        let journal = dir.path + "/journal.jsonl"
        _ = FileManager.default.createFile(atPath: log, contents: Data(Self.connectionLog.utf8))
        let t = Timestamp(secondsSinceEpoch: 1_796_029_200)
        let lines = Self.journalEvents().map { JournalCodec.encode($0, at: t) + "\n" }.joined()
        _ = FileManager.default.createFile(atPath: journal, contents: Data(lines.utf8))
        return (log, journal)
    }

    @Test func summaryMatchesTheFixture() throws {
        let dir = TemporaryDirectory()
        let (log, journal) = writeFixtures(dir)
        let s = try LogSummary.make(logFiles: [log], journal: journal)
        #expect(s.connections == 5 && s.uniqueAttendees == 3 && s.reconnects == 1)
        #expect(s.closeCodes == [1000: 1, 1001: 2, 1006: 1])
        #expect(s.closedBy == ["client": 2, "server": 2, "network": 1] && s.neverClosed == 0)
        #expect(s.meetings == 3 && s.crossRegionMeetings == 2)
        #expect(s.text == Self.summaryText)
        #expect(!s.text.contains("Kari") && !s.text.contains("198.51"), "no names, no addresses")
    }

    @Test func exportHoldsOnlyMutualExchanges() throws {
        let dir = TemporaryDirectory()
        let (_, journal) = writeFixtures(dir)
        let csv = try ContactExport.csv(journal: journal)
        #expect(csv == """
        attendee_id,attendee_name,attendee_email,contact_id,contact_name,contact_organisation,contact_email,contact_link
        1,Kari,kari@example.org,2,Lucía,,lucia@example.org,
        2,Lucía,lucia@example.org,1,Kari,,kari@example.org,

        """)
        #expect(ContactExport.field("Ola, \"O\"") == "\"Ola, \"\"O\"\"\"")
        #expect(ContactExport.field("=cmd()") == "'=cmd()")
    }

    @Test func feedbackCountsSurviveCompaction() throws {
        let dir = TemporaryDirectory()
        let t = Timestamp(secondsSinceEpoch: 1_796_029_200)
        let plan = EventPlan(event: EventInfo(id: "e", name: "E", timeZone: "UTC"), attributes: [], sessions: [])
        let engine = MinglingEngine(plan: plan, replaying: Self.journalEvents())
        let path = dir.path + "/journal.jsonl"
        _ = FileManager.default.createFile(atPath: path, contents: Data((SnapshotCodec.encode(engine.snapshot(), at: t) + "\n").utf8))
        let compacted = try LogSummary.make(logFiles: [], journal: path)
        let full = try LogSummary.make(logFiles: [], journal: writeFixtures(dir).journal)
        #expect(compacted.feedbackByRoom == full.feedbackByRoom && compacted.feedbackRounds == full.feedbackRounds)
        #expect(compacted.feedbackByRoom["plenary"] == FeedbackCounts(yes: 1, soSo: 1))
    }
}
