extension DomainEvent {
    /// A stable snake_case name per case, for the journal's and the wire's `type` field. Renaming one is a
    /// journal format change.
    public var kind: String {
        switch self {
        case .attendeeRegistered: "attendee_registered"
        case .attendeeEnteredRoom: "attendee_entered_room"
        case .attendeeConnected: "attendee_connected"
        case .attendeeDisconnected: "attendee_disconnected"
        case .attendeeResumed: "attendee_resumed"
        case .attendeeDropped: "attendee_dropped"
        case .attendeeRemoved: "attendee_removed"
        case .attendeeErased: "attendee_erased"
        case .personalDataExpired: "personal_data_expired"
        case .sessionStarted: "session_started"
        case .sessionEnded: "session_ended"
        case .minglingStarted: "mingling_started"
        case .minglingMissed: "mingling_missed"
        case .roundStarted: "round_started"
        case .breakoutFormed: "breakout_formed"
        case .roundEndingSoon: "round_ending_soon"
        case .roundExtended: "round_extended"
        case .roundEnded: "round_ended"
        case .minglingEnded: "mingling_ended"
        case .attendeeWaiting: "attendee_waiting"
        case .leftBreakout: "left_breakout"
        case .breakoutClosed: "breakout_closed"
        case .chatDelivered: "chat_delivered"
        case .signalRelayed: "signal_relayed"
        case .stayInTouchRequested: "stay_in_touch_requested"
        case .stayInTouchWithdrawn: "stay_in_touch_withdrawn"
        case .contactsExchanged: "contacts_exchanged"
        case .attendeeReported: "attendee_reported"
        case .attendeeBlocked: "attendee_blocked"
        case .feedbackGiven: "feedback_given"
        case .joiningPaused: "joining_paused"
        case .joiningResumed: "joining_resumed"
        case .planReplaced: "plan_replaced"
        }
    }
}
