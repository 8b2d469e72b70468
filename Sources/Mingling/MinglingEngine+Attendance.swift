extension MinglingEngine {
    mutating func register(_ given: Profile, accessCode: String?, room: RoomID?, now: Timestamp) throws(MinglingError) {
        guard !personalDataExpired else { throw .eventOver }
        guard !isJoiningPaused else { throw .joiningPaused }
        if case .accessCode(let expected) = plan.access, accessCode != expected { throw .invalidAccessCode }
        var profile = given
        profile.attributes = profile.attributes.filter { !$0.value.isEmpty }
        try validate(profile)
        if let room, plan.room(room) == nil { throw .unknownRoom }
        let id = AttendeeID(UInt32(attendees.count + 1))
        emit(.attendeeRegistered(id, profile, at: now))
        let first = room ?? (plan.rooms.count == 1 ? plan.rooms[0].id : nil)
        if let first {
            emit(.attendeeEnteredRoom(id, first, at: now))
            arrive(id, now: now)
        } else {
            tellRoom(to: id, nil)
        }
    }

    /// Moves an attendee to another room (or to the event's lobby). Leaving a room mid-round is leaving
    /// the breakout: the partner is handled as when anyone leaves.
    mutating func enterRoom(_ id: AttendeeID, _ room: RoomID?, now: Timestamp) throws(MinglingError) {
        let attendee = try existing(id)
        guard attendee.connection == .connected else { throw .notConnected }
        if let room, plan.room(room) == nil { throw .unknownRoom }
        guard attendee.room != room else {
            // Already there: say so again, the page may have missed it.
            tellRoom(to: id, room)
            return
        }
        if let breakout = attendee.breakout { depart(id, from: breakout, reason: .left, now: now) }
        emit(.attendeeEnteredRoom(id, room, at: now))
        arrive(id, now: now)
    }

    /// A connection for a known attendee: resumes inside the grace period, else starts afresh.
    mutating func connect(_ id: AttendeeID, now: Timestamp) throws(MinglingError) {
        let attendee = try existing(id)
        switch attendee.connection {
        case .connected:
            return
        case .reconnecting:
            emit(.attendeeResumed(id, at: now, breakout: attendee.breakout))
            if attendee.breakout == nil { arrive(id, now: now) }
        case .offline:
            emit(.attendeeConnected(id, at: now))
            arrive(id, now: now)
        }
    }

    mutating func disconnect(_ id: AttendeeID, now: Timestamp) throws(MinglingError) {
        let attendee = try existing(id)
        guard attendee.connection == .connected else { throw .notConnected }
        emit(.attendeeDisconnected(id, at: now, graceEndsAt: now.adding(seconds: settings.reconnectGraceSeconds)))
    }

    /// The grace period of `id` ran out.
    mutating func drop(_ id: AttendeeID, now: Timestamp) {
        if let breakout = attendee(id)?.breakout { depart(id, from: breakout, reason: .dropped, now: now) }
        emit(.attendeeDropped(id, at: now))
    }

    mutating func removeAttendee(_ id: AttendeeID, reason: String, now: Timestamp) throws(MinglingError) {
        let attendee = try existing(id)
        if let breakout = attendee.breakout { depart(id, from: breakout, reason: .removed, now: now) }
        emit(.attendeeRemoved(id, reason: reason, at: now))
    }

    /// Someone without a breakout arrives in a room during a round: they wait for others who arrive late,
    /// unless the round ends too soon for a conversation (then they stay in the lobby for the next round).
    mutating func arrive(_ id: AttendeeID, now: Timestamp) {
        guard !isJoiningPaused, let room = attendees[index(id)].room, let state = minglingState(room),
              case .running(_, let endsAt, _) = state.status
        else { return }
        let eligibleAt = now.adding(seconds: state.plan.lateJoinWindowSeconds)
        guard eligibleAt.adding(seconds: settings.minimumLateBreakoutSeconds) <= endsAt else { return }
        emit(.attendeeWaiting(id, eligibleAt: eligibleAt))
    }

    /// `id` leaves `breakoutID`. A breakout left with one member closes; that member waits for a new partner
    /// if the round has time left, else returns to the lobby.
    mutating func depart(_ id: AttendeeID, from breakoutID: BreakoutID, reason: LeaveReason, now: Timestamp) {
        emit(.leftBreakout(id, breakoutID, reason: reason))
        guard let breakout = openBreakouts[breakoutID], breakout.members.count < 2 else { return }
        let remaining = breakout.members
        var canWait = false
        if let last = remaining.first, attendee(last)?.connection == .connected, !isJoiningPaused,
           let state = minglingState(breakout.room), case .running(_, let endsAt, _) = state.status {
            canWait = now.adding(seconds: settings.minimumLateBreakoutSeconds) <= endsAt
        }
        emit(.breakoutClosed(breakoutID, reason: .tooFewMembers, returnedToLobby: canWait ? [] : remaining))
        if canWait, let last = remaining.first { emit(.attendeeWaiting(last, eligibleAt: now)) }
    }

    /// Every bound from `Limits`, in characters; the client protocol checks the same table first.
    func validate(_ profile: Profile) throws(MinglingError) {
        let name = profile.displayName.trimmingSpaces
        guard !name.isEmpty, Limits.displayName.allows(text: String(name)) else {
            throw .invalidProfile(field: "displayName")
        }
        guard Limits.attributesPerProfile.allows(profile.attributes.count) else {
            throw .invalidProfile(field: "attributes")
        }
        for (key, values) in profile.attributes.sorted(by: { $0.key < $1.key }) {
            guard let definition = plan.attribute(key) else { throw .unknownAttribute(key) }
            for value in values where definition.index(of: value) == nil {
                throw .unknownAttributeValue(attribute: key, value: value)
            }
            // One value, or for a `multiple` attribute up to `attributeChoices`, each once.
            let count = definition.multiple ? Limits.attributeChoices.maximum : 1
            guard values.count <= count, Set(values).count == values.count else {
                throw .invalidProfile(field: "attributes.\(key)")
            }
        }
        for definition in plan.attributes where definition.required && profile.values(of: definition.id).isEmpty {
            throw .missingAttribute(definition.id)
        }
        if let organisation = profile.organisation, !Limits.organisation.allows(text: organisation) {
            throw .invalidProfile(field: "organisation")
        }
        if let card = profile.contactCard {
            let fields = [("name", card.name, Limits.contactName), ("organisation", card.organisation, Limits.contactOrganisation),
                          ("email", card.email, Limits.email), ("link", card.link, Limits.link)]
            for (field, value, limit) in fields {
                if let value, !limit.allows(text: value) { throw .invalidProfile(field: "contactCard.\(field)") }
            }
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
