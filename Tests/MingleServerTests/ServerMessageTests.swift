import Foundation
import Testing
@testable import MingleServer
@testable import Mingling

/// Every server message byte for byte (clients are written from the protocol README; these are its examples
/// as the server sends them): one golden line per notice, plus the phase, presence, error and sync messages.
@Suite struct ServerMessageTests {
    static let t = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    static func engineWithTwo() throws -> MinglingEngine {
        var engine = MinglingEngine(plan: ReplayPropertyTests.plan, seed: 1)
        _ = try engine.handle(.register(Profile(displayName: "Kari", attributes: ["region": "viken"], organisation: "Viken"),
                                        accessCode: nil, room: "a"), now: t)
        _ = try engine.handle(.register(Profile(displayName: "Lucía \"Lu\"", attributes: ["region": "madrid"]),
                                        accessCode: nil, room: "a"), now: t)
        return engine
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func everyNoticeHasItsGoldenLine() throws {
        let engine = try Self.engineWithTwo()
        let (k, l) = (AttendeeID(1), AttendeeID(2))
        let b = Breakout(id: BreakoutID(4), room: "a", members: [k, l], prompt: "Why?", endsAt: Self.t.adding(seconds: 300))
        let mingling = MinglingState(session: "a1", round: 2, plan: MinglePlan(rounds: 3, warningSeconds: 20),
                                     status: .running(startedAt: Self.t, endsAt: Self.t.adding(seconds: 300), warned: false))
        let kari = #"{"id":1,"name":"Kari","organisation":"Viken","attributes":{"region":"viken"}}"#
        let lucia = #"{"id":2,"name":"Lucía \"Lu\"","attributes":{"region":"madrid"}}"#
        let golden: [(Notice.Message, String)] = [
            (.roomEntered("a"), #"{"type":"room","room":"a"}"#),
            (.roomEntered(nil), #"{"type":"room","room":null}"#),
            (.phase("a", .mingling(mingling), joiningPaused: false),
             #"{"type":"phase","room":"a","phase":"mingling","session":"a1","round":2,"rounds":3,"endsAt":1800000300000,"startedAt":1800000000000,"warningSeconds":20,"joiningPaused":false}"#),
            (.phase("a", .lobby, joiningPaused: true),
             #"{"type":"phase","room":"a","phase":"lobby","session":null,"round":null,"rounds":null,"endsAt":null,"joiningPaused":true}"#),
            (.roundStarted("a", "a1", round: 1, rounds: 3, startedAt: Self.t, endsAt: Self.t.adding(seconds: 300), warningSeconds: 20),
             #"{"type":"round_started","room":"a","session":"a1","round":1,"rounds":3,"startedAt":1800000000000,"endsAt":1800000300000,"warningSeconds":20}"#),
            (.breakout(b), #"{"type":"breakout","id":4,"room":"a","members":[\#(kari),\#(lucia)],"prompt":"Why?","endsAt":1800000300000}"#),
            (.unplaced, #"{"type":"unplaced"}"#),
            (.waiting(eligibleAt: Self.t), #"{"type":"waiting","eligibleAt":1800000000000}"#),
            (.roundEndingSoon(endsAt: Self.t), #"{"type":"round_ending_soon","endsAt":1800000000000}"#),
            (.roundExtended(endsAt: Self.t), #"{"type":"round_extended","endsAt":1800000000000}"#),
            (.roundEnded("a", round: 2, met: [l]), #"{"type":"round_ended","room":"a","round":2,"met":[\#(lucia)]}"#),
            (.leftBreakout(BreakoutID(4), .blocked), #"{"type":"left_breakout","breakout":4,"reason":"blocked"}"#),
            (.partnerLeft(l, .dropped), #"{"type":"partner_left","attendee":2,"reason":"dropped"}"#),
            (.partnerReconnecting(l, graceEndsAt: Self.t), #"{"type":"partner_reconnecting","attendee":2,"graceEndsAt":1800000000000}"#),
            (.partnerBack(l), #"{"type":"partner_back","attendee":2}"#),
            (.breakoutClosed(.tooFewMembers), #"{"type":"breakout_closed","reason":"too_few_members"}"#),
            (.chat(from: l, text: "Hola\n<b>", at: Self.t), #"{"type":"chat","from":2,"name":"Lucía \"Lu\"","text":"Hola\n<b>","at":1800000000000}"#),
            (.signal(from: l, kind: .candidate, payload: "{}"), #"{"type":"signal","from":2,"kind":"candidate","payload":"{}"}"#),
            (.stayInTouchPending(with: l), #"{"type":"stay_in_touch_pending","with":2}"#),
            (.stayInTouchWithdrawn(with: l), #"{"type":"stay_in_touch_withdrawn","with":2}"#),
            (.contact(l, ContactCard(name: "Lucía", email: "l@madrid.es")),
             #"{"type":"contact","card":{"attendee":2,"name":"Lucía","email":"l@madrid.es"}}"#),
            (.removed(reason: "spam"), #"{"type":"removed","reason":"spam"}"#),
            (.erased, #"{"type":"deleted"}"#),
            (.feedbackRecorded(BreakoutID(4), .soSo), #"{"type":"feedback_recorded","breakout":4,"answer":"so_so"}"#),
        ]
        for (message, expected) in golden {
            #expect(text(ServerMessage.encode(message, engine)) == expected)
            #expect((try? JSONSerialization.jsonObject(with: Data(ServerMessage.encode(message, engine)))) != nil, "valid JSON")
        }
    }

    @Test func theOtherMessagesHaveTheirGoldenLines() {
        #expect(text(ServerMessage.error(ProtocolError(code: .badField, message: "name: too long", request: "join")))
                == #"{"type":"error","code":"bad_field","message":"name: too long","request":"join"}"#)
        #expect(text(ServerMessage.error(.notMet, request: "report"))
                == #"{"type":"error","code":"not_met","message":"you have not met that attendee","request":"report"}"#)
        #expect(text(ServerMessage.presence(room: "a", total: 3, byAttribute: ["region": ["viken": 2, "madrid": 1]], inBreakouts: 2, waiting: 1))
                == #"{"type":"presence","room":"a","total":3,"byAttribute":{"region":{"madrid":1,"viken":2}},"inBreakouts":2,"waiting":1}"#)
        #expect(text(ServerMessage.announcement(text: "Lunch", at: Self.t, scope: "everyone", room: nil))
                == #"{"type":"announcement","text":"Lunch","at":1800000000000,"scope":"everyone","room":null}"#)
        #expect(text(ServerMessage.sync(clientTime: 12.5, serverTime: Self.t))
                == #"{"type":"sync","clientTime":12.5,"serverTime":1800000000000}"#)
        let turn = TurnCredential(urls: ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:443?transport=tcp"],
                                  username: "1800003600:m0011223344556677", credential: "AUGP6c4S2mg5GDFJKmIeKzolu0I=",
                                  expiresAt: Self.t.adding(seconds: 3600))
        #expect(text(ServerMessage.turnCredentials(turn))
                == #"{"type":"turn_credentials","iceServers":[{"urls":["turn:turn.example.org:3478?transport=udp","turns:turn.example.org:443?transport=tcp"],"username":"1800003600:m0011223344556677","credential":"AUGP6c4S2mg5GDFJKmIeKzolu0I="}],"expiresAt":1800003600000}"#)
    }
}
