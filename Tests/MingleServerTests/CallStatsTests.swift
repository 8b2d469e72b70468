import Testing
@testable import MingleServer
@testable import Mingling

/// Calls as the browsers report them: both members report, each call counts once; failed and dropped apart;
/// the relay share and the median time to connect.
@Suite struct CallStatsTests {
    let a = AttendeeID(1)
    let b = AttendeeID(2)
    let c = AttendeeID(3)
    let room: RoomID = "plenary"

    func report(_ stats: inout CallStats, _ from: AttendeeID, _ peer: AttendeeID, _ outcome: CallReport.Outcome,
                breakout: UInt64 = 1, room: RoomID = "plenary") {
        stats.record(CallReport(peer: peer, outcome: outcome), from: from, breakout: BreakoutID(breakout), room: room)
    }

    @Test func bothSidesCountOnce() {
        var s = CallStats()
        report(&s, a, b, .started)
        report(&s, b, a, .started)
        report(&s, b, a, .connected(.relay, milliseconds: 640))
        report(&s, a, b, .connected(.relay, milliseconds: 700))
        let t = s.tally()
        #expect(t.started == 1 && t.connected == 1 && t.relayed == 1 && t.failed == 0)
        #expect(t.connectMilliseconds == [640], "the first report sets the time")
        #expect(t.relayPercent == 100)
    }

    @Test func aGroupOfThreeIsThreeCalls() {
        var s = CallStats()
        for (x, y) in [(a, b), (a, c), (b, c)] {
            report(&s, x, y, .started)
            report(&s, y, x, .connected(x == a ? .direct : .relay, milliseconds: x == a ? 300 : 900))
        }
        let t = s.tally(room: room)
        #expect(t.started == 3 && t.connected == 3 && t.relayed == 1 && t.relayPercent == 33)
        #expect(t.medianConnectMilliseconds == 300, "sorted [300, 300, 900]")
    }

    @Test func failedNeverConnectedDroppedDidAndRecoveredCameBack() {
        var s = CallStats()
        // Call 1 (breakout 1): never connects; both say why.
        report(&s, a, b, .started)
        report(&s, a, b, .failed(.relayRefused, milliseconds: 15_300))
        report(&s, b, a, .failed(.relayRefused, milliseconds: 15_500))
        // Call 2 (breakout 2): connects, drops, comes back after an ICE restart; both report each step.
        report(&s, a, c, .connected(.direct, milliseconds: 400), breakout: 2)
        report(&s, a, c, .interrupted, breakout: 2)
        report(&s, c, a, .interrupted, breakout: 2)
        report(&s, c, a, .recovered(.relay, milliseconds: 3_100), breakout: 2)
        report(&s, a, c, .recovered(.relay, milliseconds: 3_200), breakout: 2)
        // Call 3 (breakout 3, another room): connects, then is lost for good.
        report(&s, b, c, .connected(.direct, milliseconds: 800), breakout: 3, room: "ws-a")
        report(&s, b, c, .interrupted, breakout: 3, room: "ws-a")
        report(&s, c, b, .failed(.iceFailed, milliseconds: 30_000), breakout: 3, room: "ws-a")
        let t = s.tally()
        #expect(t.started == 3 && t.connected == 2 && t.failed == 1 && t.dropped == 1 && t.recoveries == 1)
        #expect(t.relayed == 1, "call 2 came back through the relay")
        #expect(t.failures == [.relayRefused: 1], "only calls that never connected count as failures")
        #expect(s.tally(room: "plenary").started == 2 && s.tally(room: "ws-a").dropped == 1)
        #expect(s.rooms == ["plenary", "ws-a"])
        #expect(t.medianConnectMilliseconds == 400)
    }

    @Test func theSamePairInAnotherBreakoutIsAnotherCall() {
        var s = CallStats()
        report(&s, a, b, .connected(.direct, milliseconds: 100), breakout: 1)
        report(&s, b, a, .connected(.direct, milliseconds: 100), breakout: 9)
        #expect(s.tally().started == 2)
        #expect(CallStats().tally().medianConnectMilliseconds == nil && CallStats().tally().relayPercent == nil)
    }
}
