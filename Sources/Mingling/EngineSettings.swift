/// Engine limits that are not part of the event file. Each has its unit in its name and a default with a
/// reason; the server may override them from its own settings.
public struct EngineSettings: Sendable, Equatable {
    /// How long a dropped attendee keeps their place (reload, network blip, phone switching to 4G).
    public var reconnectGraceSeconds: Int = 60
    /// A breakout formed mid-round (late arrivals, a re-paired partner) needs at least this much of the
    /// round left; less than a minute is not a conversation.
    public var minimumLateBreakoutSeconds: Int = 60
    /// Everyone returns to the lobby together between rounds, long enough to read who they meet next.
    public var pauseBetweenRoundsSeconds: Int = 10
    /// Chat text, UTF-8 bytes: a few paragraphs.
    public var maxChatBytes: Int = 2_000
    /// One SDP offer with many codecs stays well below this.
    public var maxSignalPayloadBytes: Int = 16_384
    public var maxReportReasonBytes: Int = 1_000
    public var maxDisplayNameBytes: Int = 80
    /// Each contact card field and the organisation.
    public var maxProfileFieldBytes: Int = 200
    /// One admin "extend round" at most adds this much.
    public var maxExtendSeconds: Int = 1_800

    public init() {}
}
