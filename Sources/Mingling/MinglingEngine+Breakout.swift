extension MinglingEngine {
    /// The breakout `id` is in, checked to be connected.
    private func currentBreakout(of id: AttendeeID) throws(MinglingError) -> Breakout {
        let attendee = try existing(id)
        guard attendee.connection == .connected else { throw .notConnected }
        guard let breakoutID = attendee.breakout, let breakout = openBreakouts[breakoutID] else {
            throw .notInBreakout
        }
        return breakout
    }

    /// Chat reaches the other members of the sender's breakout only.
    mutating func sendChat(from: AttendeeID, text: String, now: Timestamp) throws(MinglingError) {
        let breakout = try currentBreakout(of: from)
        guard !text.trimmingSpaces.isEmpty else { throw .emptyMessage }
        guard Limits.chatText.allows(text: text) else { throw .messageTooLong(Limits.chatText) }
        let recipients = breakout.members.filter { $0 != from && attendees[index($0)].connection == .connected }
        emit(.chatDelivered(breakout.id, from: from, text: text, recipients: recipients, at: now))
    }

    /// WebRTC offers, answers and candidates travel only between members of one breakout.
    mutating func relaySignal(from: AttendeeID, to: AttendeeID, kind: SignalKind, payload: String) throws(MinglingError) {
        let breakout = try currentBreakout(of: from)
        guard to != from else { throw .cannotTargetSelf }
        guard breakout.members.contains(to) else { throw .notInSameBreakout }
        guard Limits.signalPayload.allows(text: payload) else { throw .messageTooLong(Limits.signalPayload) }
        emit(.signalRelayed(from: from, to: to, kind: kind, payload: payload))
    }

    /// Mutual consent: a request reveals nothing; the second matching request exchanges both cards.
    /// Allowed for anyone met during the event, so it still works after the round has ended.
    mutating func stayInTouch(from: AttendeeID, with other: AttendeeID) throws(MinglingError) {
        _ = try existing(from)
        let partner = try existing(other)
        guard from != other else { throw .cannotTargetSelf }
        guard haveMet(from, other) else { throw .notMet }
        guard !haveExchangedContacts(from, other) else { throw .alreadyExchanged }
        guard !hasRequestedStayInTouch(from: from, to: other) else { return }
        emit(.stayInTouchRequested(from: from, to: other))
        if hasRequestedStayInTouch(from: other, to: from) {
            let mine = attendees[index(from)]
            emit(.contactsExchanged(first: other, second: from, firstCard: card(of: partner), secondCard: card(of: mine)))
        }
    }

    mutating func withdrawStayInTouch(from: AttendeeID, with other: AttendeeID) throws(MinglingError) {
        _ = try existing(from)
        guard attendee(other) != nil else { throw .unknownAttendee }
        guard !haveExchangedContacts(from, other) else { throw .alreadyExchanged }
        guard hasRequestedStayInTouch(from: from, to: other) else { throw .noPendingRequest }
        emit(.stayInTouchWithdrawn(from: from, to: other))
    }

    /// The card an attendee gave (named with their display name if the card has no name), or their display name
    /// and organisation if they gave none.
    func card(of attendee: AttendeeState) -> ContactCard {
        guard var card = attendee.profile.contactCard else {
            return ContactCard(name: attendee.profile.displayName, organisation: attendee.profile.organisation)
        }
        if card.name == nil { card.name = attendee.profile.displayName }
        return card
    }

    mutating func leaveBreakout(_ id: AttendeeID, now: Timestamp) throws(MinglingError) {
        let attendee = try existing(id)
        guard let breakout = attendee.breakout else { throw .notInBreakout }
        depart(id, from: breakout, reason: .left, now: now)
    }

    /// "Good conversation?": one answer per breakout, from someone it has ended for, within the window after its
    /// end. Told to the attendee alone; counted for the room and round.
    mutating func giveFeedback(from id: AttendeeID, breakout: BreakoutID, answer: FeedbackAnswer, now: Timestamp)
    throws(MinglingError) {
        let attendee = try existing(id)
        guard let ended = attendee.endedBreakouts.last(where: { $0.breakout == breakout }) else { throw .unknownBreakout }
        guard !ended.answered else { throw .feedbackAlreadyGiven }
        guard now <= ended.endsAt.adding(seconds: settings.feedbackWindowSeconds) else { throw .feedbackClosed }
        emit(.feedbackGiven(id, breakout, answer: answer, room: ended.room, session: ended.session, round: ended.round, at: now))
    }

    /// Logged for admins. Only about someone the reporter has shared a breakout with.
    mutating func report(from: AttendeeID, about: AttendeeID, reason: String, now: Timestamp) throws(MinglingError) {
        _ = try existing(from)
        guard attendee(about) != nil else { throw .unknownAttendee }
        guard from != about else { throw .cannotTargetSelf }
        guard haveMet(from, about) else { throw .notMet }
        guard Limits.reportReason.allows(text: reason) else { throw .messageTooLong(Limits.reportReason) }
        emit(.attendeeReported(from: from, about: about, reason: reason, at: now))
    }

    /// Never grouped together again. If they share a breakout now, the blocker leaves it at once.
    mutating func block(from: AttendeeID, whom: AttendeeID, now: Timestamp) throws(MinglingError) {
        let blocker = try existing(from)
        guard attendee(whom) != nil else { throw .unknownAttendee }
        guard from != whom else { throw .cannotTargetSelf }
        if isBlocked(from, whom) { return }
        emit(.attendeeBlocked(from: from, whom: whom, at: now))
        if let breakout = blocker.breakout, openBreakouts[breakout]?.members.contains(whom) == true {
            depart(from, from: breakout, reason: .blocked, now: now)
        }
    }
}
