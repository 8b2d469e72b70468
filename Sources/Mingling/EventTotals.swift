/// Running totals, kept by `apply` so that a replayed journal gives the same figures as the live server.
public struct RoomTotals: Sendable, Equatable {
    public var roundsRun = 0
    public var breakoutsFormed = 0
    /// Breakouts whose members gave more than one answer to the round's first `mix` rule's attribute (its
    /// first rule's when none mixes).
    public var breakoutsSpanning = 0
    public init() {}

    public var spanningShare: Double { breakoutsFormed == 0 ? 0 : Double(breakoutsSpanning) / Double(breakoutsFormed) }
}

public struct EventTotals: Sendable, Equatable {
    public var contactExchanges = 0
    /// Attendees who came back within their grace period.
    public var reconnects = 0
    public init() {}
}
