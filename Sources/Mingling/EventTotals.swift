/// Running totals, kept by `apply` so that a replayed journal gives the same figures as the live server.
public struct RoomTotals: Sendable, Equatable {
    public var roundsRun = 0
    public var breakoutsFormed = 0
    /// Breakouts whose members gave more than one answer to the round's first `mix` rule's attribute (its
    /// first rule's when none mixes).
    public var breakoutsSpanning = 0
    /// Answers to "Good conversation?" after the room's breakouts.
    public var feedback = FeedbackCounts()
    public init() {}

    public var spanningShare: Double { breakoutsFormed == 0 ? 0 : Double(breakoutsSpanning) / Double(breakoutsFormed) }
}

/// The one optional answer after a breakout ends: "Good conversation?". Counted, never shown to the partner.
public enum FeedbackAnswer: String, Sendable, Equatable, CaseIterable {
    case yes
    case soSo = "so_so"
    case no
}

/// Answers to "Good conversation?", by answer.
public struct FeedbackCounts: Sendable, Equatable {
    public var yes = 0
    public var soSo = 0
    public var no = 0
    public init(yes: Int = 0, soSo: Int = 0, no: Int = 0) { self.yes = yes; self.soSo = soSo; self.no = no }

    public var total: Int { yes + soSo + no }

    public subscript(answer: FeedbackAnswer) -> Int {
        get {
            switch answer {
            case .yes: yes
            case .soSo: soSo
            case .no: no
            }
        }
        set {
            switch answer {
            case .yes: yes = newValue
            case .soSo: soSo = newValue
            case .no: no = newValue
            }
        }
    }
}

/// The answers after one round's breakouts in a room (a room mingles after a session once, so the session and
/// the round name the round).
public struct RoundFeedback: Sendable, Equatable {
    public var session: SessionID
    public var round: Int
    public var counts: FeedbackCounts
    public init(session: SessionID, round: Int, counts: FeedbackCounts) {
        self.session = session; self.round = round; self.counts = counts
    }
}

public struct EventTotals: Sendable, Equatable {
    public var contactExchanges = 0
    /// Attendees who came back within their grace period.
    public var reconnects = 0
    public init() {}
}
