import Foundation
import Testing
@testable import MingleServer
@testable import Mingling

/// The wire contract of ClientProtocol/README.md for attributes with several values (what `join` accepts,
/// what every *attendee* object shows, journals written before them read unchanged) and for a round's quality.
@Suite struct AttributeWireTests {
    func decode(_ text: String) -> Result<ClientMessage, ProtocolError> {
        Array(text.utf8).withUnsafeBytes { bytes in Result { () throws(ProtocolError) in try ClientMessage.decode(bytes) } }
    }

    func joinedAttributes(_ attributes: String) throws -> [String: [String]] {
        guard case .join(let profile, _, _) = try decode(#"{"type":"join","name":"Kari","attributes":\#(attributes)}"#).get() else {
            throw ProtocolError(code: .internalError, message: "not a join", request: nil)
        }
        return profile.attributes
    }

    func refusal(_ text: String) -> ProtocolError? {
        if case .failure(let e) = decode(text) { return e }
        return nil
    }

    @Test func joinTakesAStringOrAnArrayOfValueIDs() throws {
        #expect(try joinedAttributes(#"{"region":"viken","languages":["no","en"]}"#) == ["region": ["viken"], "languages": ["no", "en"]])
        #expect(try joinedAttributes(#"{"region":["viken"]}"#) == ["region": ["viken"]])
        #expect(try joinedAttributes(#"{"languages":[]}"#) == [:], "an empty array is no answer")
    }

    @Test func badAttributeValuesAreRefusedNamingTheField() {
        let twice = refusal(#"{"type":"join","name":"K","attributes":{"languages":["en","en"]}}"#)
        #expect(twice == .badField("attributes.languages", "lists \"en\" twice", request: "join"))
        let number = refusal(#"{"type":"join","name":"K","attributes":{"languages":["en",3]}}"#)
        #expect(number?.code == .badField && number?.message.hasPrefix("attributes.languages:") == true)
        let object = refusal(#"{"type":"join","name":"K","attributes":{"region":{"id":"viken"}}}"#)
        #expect(object == .badField("attributes.region", "must be a value id or an array of value ids", request: "join"))
        let values = (0...Limits.attributeChoices.maximum).map { "\"v\($0)\"" }.joined(separator: ",")
        let tooMany = refusal(#"{"type":"join","name":"K","attributes":{"languages":[\#(values)]}}"#)
        #expect(tooMany == .badField("attributes.languages", "must have at most 20 values, got 21", request: "join"))
    }

    static let plan = EventPlan(
        event: EventInfo(id: "e", name: "E", timeZone: "UTC"),
        attributes: [
            AttributeDefinition(id: "region", label: "Region", values: [AttributeValue(id: "viken", label: "Viken")]),
            AttributeDefinition(id: "languages", label: "Languages", values: ["en", "no"].map { AttributeValue(id: $0, label: $0) },
                                required: true, multiple: true),
        ],
        sessions: [])

    func attendeeJSON(_ profile: Profile) -> String {
        var w = JSONWriter()
        ServerMessage.attendee(&w, AttendeeID(7), profile, Self.plan)
        return w.text
    }

    @Test func aMultipleAttributeIsAlwaysAnArrayOnTheWire() {
        #expect(attendeeJSON(Profile(displayName: "Kari", attributes: ["region": ["viken"], "languages": ["no"]]))
            == #"{"id":7,"name":"Kari","attributes":{"languages":["no"],"region":"viken"}}"#)
        #expect(attendeeJSON(Profile(displayName: "Kari", attributes: ["languages": ["no", "en"]]))
            == #"{"id":7,"name":"Kari","attributes":{"languages":["no","en"]}}"#)
        var w = JSONWriter()
        ServerMessage.event(&w, Self.plan)
        #expect(w.text.contains(#"{"id":"languages","label":"Languages","required":true,"multiple":true,"values":"#))
        #expect(w.text.contains(#"{"id":"region","label":"Region","required":false,"multiple":false,"values":"#))
    }

    @Test func journalLinesFromBeforeMultipleValuesReadUnchanged() throws {
        let old = #"{"at":1,"e":"attendee_registered","id":1,"t":1,"profile":{"name":"Kari","attributes":{"region":"viken"}}}"#
        let event = try JournalCodec.decode(Substring(old))
        let kari = Profile(displayName: "Kari", attributes: ["region": "viken"])
        #expect(event == .attendeeRegistered(AttendeeID(1), kari, at: Timestamp(millisecondsSinceEpoch: 1)))
        #expect(JournalCodec.encode(event!, at: Timestamp(millisecondsSinceEpoch: 1)) == old, "one value is still written as a string")
        let many = DomainEvent.attendeeRegistered(
            AttendeeID(2), Profile(displayName: "Lucía", attributes: ["languages": ["es", "en"]]), at: Timestamp(millisecondsSinceEpoch: 2))
        let line = JournalCodec.encode(many, at: Timestamp(millisecondsSinceEpoch: 2))
        #expect(line.contains(#""languages":["es","en"]"#))
        #expect(try JournalCodec.decode(Substring(line)) == many)
    }

    @Test func aRoundsQualityIsJournaledAndOldLinesHaveNone() throws {
        let t = Timestamp(millisecondsSinceEpoch: 5)
        let old = #"{"at":5,"e":"round_started","room":"main","session":"s1","round":1,"startedAt":5,"endsAt":9,"breakouts":[],"unplaced":[]}"#
        let event = try JournalCodec.decode(Substring(old))
        #expect(event == .roundStarted(.single, "s1", round: 1, startedAt: t, endsAt: Timestamp(millisecondsSinceEpoch: 9),
                                       breakouts: [], unplaced: []))
        #expect(JournalCodec.encode(event!, at: t) == old)
        let quality = [RuleQuality(attribute: "languages", policy: .share, satisfied: 14, groups: 15, best: 15, alone: 1),
                       RuleQuality(attribute: "region", policy: .mix, satisfied: 12, groups: 15, best: 13)]
        let rated = DomainEvent.roundStarted(.single, "s1", round: 1, startedAt: t, endsAt: t, breakouts: [], unplaced: [],
                                             quality: quality)
        let line = JournalCodec.encode(rated, at: t)
        #expect(line.hasSuffix(#""quality":[{"attribute":"languages","policy":"share","satisfied":14,"groups":15,"best":15,"alone":1},{"attribute":"region","policy":"mix","satisfied":12,"groups":15,"best":13}]}"#))
        #expect(try JournalCodec.decode(Substring(line)) == rated)
    }
}
