/// Engine timings that are not part of the event file. Each has its unit in its name and a default with a
/// reason; the server sets them from its settings (`mingling.*` in server.json). Bounds on what attendees
/// send live in `Limits`.
public struct EngineSettings: Sendable, Equatable {
    /// How long a dropped attendee keeps their place (reload, network blip, phone switching to 4G, a restart
    /// of the server).
    public var reconnectGraceSeconds: Int = 60
    /// A breakout formed mid-round (late arrivals, a re-paired partner) needs at least this much of the
    /// round left; less than a minute is not a conversation.
    public var minimumLateBreakoutSeconds: Int = 60
    /// Everyone returns to the lobby together between rounds, long enough to read who they meet next.
    public var pauseBetweenRoundsSeconds: Int = 10
    /// Automatic mingling starts only this long after its session ended (and a next round only this long
    /// after it was due). A server started later, after an outage or with a past schedule, does not start
    /// yesterday's mingling with nobody there: an admin starts it by hand.
    public var automaticStartWindowSeconds: Int = 600
    /// "Good conversation?" is answered at most this long after the breakout's end (its round's end, when
    /// the attendee left early): the question is shown when the breakout ends and gone by the next round
    /// but one; later answers would be about a conversation nobody remembers.
    public var feedbackWindowSeconds: Int = 600

    public init() {}
}
