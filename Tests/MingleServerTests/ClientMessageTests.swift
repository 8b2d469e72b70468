import Foundation
import Testing
@testable import MingleServer
@testable import Mingling

/// Every client message as the protocol README describes it: each decodes, and each bound and each malformed
/// field is refused with the documented code, naming the field, never a trap.
@Suite struct ClientMessageTests {
    func decode(_ json: String) -> Result<ClientMessage, ProtocolError> {
        Array(json.utf8).withUnsafeBytes { bytes in
            Result { () throws(ProtocolError) in try ClientMessage.decode(bytes) }
        }
    }

    func refusal(_ json: String) -> ProtocolError? {
        if case .failure(let e) = decode(json) { return e }
        return nil
    }

    @Test func everyTypeDecodes() throws {
        let cases: [(String, ClientMessage)] = [
            (#"{"type":"join","name":"Kari","attributes":{"region":"viken"},"room":"ws-a"}"#,
             .join(Profile(displayName: "Kari", attributes: ["region": "viken"]), accessCode: nil, room: "ws-a")),
            (#"{"type":"resume","token":"7.1.abc"}"#, .resume(token: "7.1.abc")),
            (#"{"type":"enter_room","room":"plenary"}"#, .enterRoom("plenary")),
            (#"{"type":"leave_room"}"#, .enterRoom(nil)),
            (#"{"type":"chat","text":"Hei!"}"#, .chat(text: "Hei!")),
            (#"{"type":"signal","to":3,"kind":"offer","payload":"v=0"}"#, .signal(to: AttendeeID(3), kind: .offer, payload: "v=0")),
            (#"{"type":"stay_in_touch","with":3}"#, .stayInTouch(with: AttendeeID(3))),
            (#"{"type":"withdraw_stay_in_touch","with":3}"#, .withdrawStayInTouch(with: AttendeeID(3))),
            (#"{"type":"leave_breakout"}"#, .leaveBreakout),
            (#"{"type":"report","about":3,"reason":"rude"}"#, .report(about: AttendeeID(3), reason: "rude")),
            (#"{"type":"block","whom":3}"#, .block(whom: AttendeeID(3))),
            (#"{"type":"sync","clientTime":1764491312000.5}"#, .sync(clientTime: 1_764_491_312_000.5)),
            (#"{"type":"export_my_data"}"#, .exportMyData),
            (#"{"type":"delete_me","confirm":true}"#, .deleteMe),
            (#"{"type":"feedback","breakout":12,"answer":"so_so"}"#, .feedback(breakout: BreakoutID(12), answer: .soSo)),
            (#"{"type":"join","name":"Kari","attributes":{"languages":["no","en"]}}"#,
             .join(Profile(displayName: "Kari", attributes: ["languages": ["no", "en"]]), accessCode: nil, room: nil)),
            (#"{"type":"call_report","peer":3,"outcome":"started"}"#, .callReport(CallReport(peer: AttendeeID(3), outcome: .started))),
            (#"{"type":"call_report","peer":3,"outcome":"connected","path":"relay","ms":640}"#,
             .callReport(CallReport(peer: AttendeeID(3), outcome: .connected(.relay, milliseconds: 640)))),
            (#"{"type":"call_report","peer":3,"outcome":"interrupted"}"#, .callReport(CallReport(peer: AttendeeID(3), outcome: .interrupted))),
            (#"{"type":"call_report","peer":3,"outcome":"recovered","path":"direct","ms":2100}"#,
             .callReport(CallReport(peer: AttendeeID(3), outcome: .recovered(.direct, milliseconds: 2100)))),
            (#"{"type":"call_report","peer":3,"outcome":"failed","reason":"relay_refused","ms":15321}"#,
             .callReport(CallReport(peer: AttendeeID(3), outcome: .failed(.relayRefused, milliseconds: 15321)))),
        ]
        for (json, expected) in cases {
            #expect(try decode(json).get() == expected, "\(json)")
        }
        // A full join: organisation and card trimmed, empty fields dropped.
        let full = try decode(#"{"type":"join","name":"Kari","attributes":{},"organisation":" Viken ","contact":{"email":"k@v.no","link":"","name":""},"accessCode":"C0DE"}"#).get()
        #expect(full == .join(Profile(displayName: "Kari", organisation: "Viken", contactCard: ContactCard(email: "k@v.no")),
                              accessCode: "C0DE", room: nil))
    }

    @Test func everyBoundIsEnforcedInItsUnit() {
        func text(_ n: Int, _ c: Character = "a") -> String { String(repeating: c, count: n) }
        // (message at the bound: accepted; one over: refused naming the field)
        let bounded: [(Limit, (String) -> String, String)] = [
            (Limits.displayName, { #"{"type":"join","name":"\#($0)","attributes":{}}"# }, "name"),
            (Limits.organisation, { #"{"type":"join","name":"K","organisation":"\#($0)","attributes":{}}"# }, "organisation"),
            (Limits.contactName, { #"{"type":"join","name":"K","attributes":{},"contact":{"name":"\#($0)"}}"# }, "contact.name"),
            (Limits.chatText, { #"{"type":"chat","text":"\#($0)"}"# }, "text"),
            (Limits.signalPayload, { #"{"type":"signal","to":2,"kind":"answer","payload":"\#($0)"}"# }, "payload"),
            (Limits.reportReason, { #"{"type":"report","about":2,"reason":"\#($0)"}"# }, "reason"),
            (Limits.accessCode, { #"{"type":"join","name":"K","attributes":{},"accessCode":"\#($0)"}"# }, "accessCode"),
            (Limits.resumeToken, { #"{"type":"resume","token":"\#($0)"}"# }, "token"),
        ]
        for (limit, message, field) in bounded {
            // Characters, not bytes: "山" is three bytes and one character.
            #expect((try? decode(message(text(limit.maximum, "山"))).get()) != nil, "\(limit.key) at \(limit.maximum)")
            let over = refusal(message(text(limit.maximum + 1, "山")))
            #expect(over?.code == .badField && over?.message.hasPrefix(field) == true, "\(limit.key) over: \(String(describing: over))")
        }
        #expect(refusal(#"{"type":"chat","text":""}"#)?.code == .badField, "chat needs a character")
        #expect((try? decode(#"{"type":"enter_room","room":"\#(text(64))"}"#).get()) == .enterRoom(RoomID(text(64))))
        #expect(refusal(#"{"type":"enter_room","room":"\#(text(65))"}"#)?.message.hasPrefix("room") == true)
        let tooMany = (0...Limits.attributesPerProfile.maximum).map { #""a\#($0)":"v""# }.joined(separator: ",")
        #expect(refusal(#"{"type":"join","name":"K","attributes":{\#(tooMany)}}"#)?.code == .badField)
        #expect(refusal(#"{"type":"join","name":"K","attributes":{"region":"\#(text(65))"}}"#)?.message.hasPrefix("attributes.region") == true)
        let ms = Limits.callReportMilliseconds
        #expect((try? decode(#"{"type":"call_report","peer":2,"outcome":"connected","path":"direct","ms":\#(ms.maximum)}"#).get())
                == .callReport(CallReport(peer: AttendeeID(2), outcome: .connected(.direct, milliseconds: ms.maximum))))
        #expect((try? decode(#"{"type":"call_report","peer":2,"outcome":"failed","reason":"timeout","ms":\#(ms.minimum)}"#).get())
                == .callReport(CallReport(peer: AttendeeID(2), outcome: .failed(.timeout, milliseconds: 0))))
        #expect(refusal(#"{"type":"call_report","peer":2,"outcome":"connected","path":"direct","ms":\#(ms.maximum + 1)}"#)?.message.hasPrefix("ms") == true)
        #expect(refusal(#"{"type":"call_report","peer":2,"outcome":"failed","reason":"timeout","ms":-1}"#)?.message.hasPrefix("ms") == true)
    }

    @Test func malformedInputIsARefusalNamingTheField() {
        let refused: [(String, ErrorCode, String?)] = [
            ("not json", .badJSON, nil),
            ("[1,2]", .badJSON, nil),
            (#"{"no":"type"}"#, .unknownType, nil),
            (#"{"type":"dance"}"#, .unknownType, nil),
            (#"{"type":"join","attributes":{}}"#, .badField, "name"),
            (#"{"type":"join","name":"K","contact":"k@v.no"}"#, .badField, "contact"),
            (#"{"type":"join","name":"K","contact":{"email":"no-at-sign"}}"#, .badField, "contact.email"),
            (#"{"type":"join","name":"K","contact":{"link":"javascript:alert(1)"}}"#, .badField, "contact.link"),
            (#"{"type":"join","name":"K","attributes":{"region":3}}"#, .badField, "attributes.region"),
            (#"{"type":"join","name":"K","room":"ws a!"}"#, .badField, nil),
            (#"{"type":"enter_room"}"#, .badField, "room"),
            (#"{"type":"signal","to":2,"kind":"hello","payload":"x"}"#, .badField, "kind"),
            (#"{"type":"signal","to":0,"kind":"offer","payload":"x"}"#, .badField, "to"),
            (#"{"type":"stay_in_touch","with":-1}"#, .badField, "with"),
            (#"{"type":"block","whom":"3"}"#, .badField, "whom"),
            (#"{"type":"sync","clientTime":"now"}"#, .badField, "clientTime"),
            (#"{"type":"delete_me"}"#, .badField, "confirm"),
            (#"{"type":"feedback","breakout":12,"answer":"maybe"}"#, .badField, "answer"),
            (#"{"type":"feedback","breakout":0,"answer":"yes"}"#, .badField, "breakout"),
            (#"{"type":"feedback","answer":"yes"}"#, .badField, "breakout"),
            (#"{"type":"join","name":"K","attributes":{"languages":["en","en"]}}"#, .badField, "attributes.languages"),
            (#"{"type":"call_report","outcome":"started"}"#, .badField, "peer"),
            (#"{"type":"call_report","peer":2,"outcome":"hung_up"}"#, .badField, "outcome"),
            (#"{"type":"call_report","peer":2,"outcome":"connected","ms":5}"#, .badField, "path"),
            (#"{"type":"call_report","peer":2,"outcome":"connected","path":"10.0.0.7","ms":5}"#, .badField, "path"),
            (#"{"type":"call_report","peer":2,"outcome":"connected","path":"relay"}"#, .badField, "ms"),
            (#"{"type":"call_report","peer":2,"outcome":"connected","path":"relay","ms":1.5}"#, .badField, "ms"),
            (#"{"type":"call_report","peer":2,"outcome":"failed","reason":"my firewall at 10.0.0.1","ms":5}"#, .badField, "reason"),
        ]
        for (json, code, field) in refused {
            let e = refusal(json)
            #expect(e?.code == code, "\(json) -> \(String(describing: e))")
            if let field { #expect(e?.message.hasPrefix(field) == true, "\(json) names \(field): \(String(describing: e))") }
        }
        #expect(refusal(#"{"type":"join","name":"K","attributes":{}}"#) == nil, "attributes are checked by the engine")
    }
}
