/// Who is told what about each event: called by `emit` right after `apply`, so the state read here is the
/// state the event left (see `Notice`). Replay never calls it.
extension MinglingEngine {
    mutating func announce(_ event: DomainEvent) {
        switch event {
        case .attendeeRegistered, .attendeeConnected, .attendeeDropped, .attendeeBlocked, .attendeeReported,
             .planReplaced, .minglingMissed:
            break
        case .attendeeEnteredRoom(let id, let room, _):
            tellRoom(to: id, room)
        case .attendeeDisconnected(let id, _, let grace):
            tell(partners(of: id), .partnerReconnecting(id, graceEndsAt: grace))
        case .attendeeResumed(let id, _, let breakout):
            if let breakout, attendees[index(id)].breakout == breakout {
                tell(partners(of: id), .partnerBack(id))
            }
        case .attendeeRemoved(let id, let reason, _):
            tell([id], .removed(reason: reason))
        case .attendeeErased(let id, _):
            tell([id], .erased)
        case .personalDataExpired:
            break
        case .sessionStarted(let room, _, _), .sessionEnded(let room, _, _), .minglingStarted(let room, _, _, _),
             .minglingEnded(let room, _, _):
            phaseChanged(room)
        case .joiningPaused, .joiningResumed:
            for room in plan.rooms { phaseChanged(room.id) }
        case .roundStarted(let room, let session, let round, let startedAt, let endsAt, let breakouts, let unplaced, _):
            phaseChanged(room)
            let mingle = minglingState(room)?.plan
            tell(presentMembers(of: room), .roundStarted(
                room, session, round: round, rounds: mingle?.rounds ?? round, startedAt: startedAt, endsAt: endsAt,
                warningSeconds: mingle?.warningSeconds ?? 0))
            for breakout in breakouts { tell(breakout.members, .breakout(breakout)) }
            tell(unplaced, .unplaced)
            for breakout in breakouts { tellWhoIsAway(in: breakout) }
        case .breakoutFormed(let breakout):
            tell(breakout.members, .breakout(breakout))
            tellWhoIsAway(in: breakout)
        case .roundEndingSoon(let room, _, _, let endsAt):
            tell(presentMembers(of: room), .roundEndingSoon(endsAt: endsAt))
        case .roundExtended(let room, _, _, let endsAt):
            phaseChanged(room)
            tell(presentMembers(of: room), .roundExtended(endsAt: endsAt))
        case .roundEnded(let room, _, let round, _):
            phaseChanged(room)
            let state = roomState(room)
            for id in presentMembers(of: room) {
                tell([id], .roundEnded(room, round: round, met: (state.roundMet[id] ?? []).sorted()))
            }
        case .attendeeWaiting(let id, let eligibleAt):
            tell([id], .waiting(eligibleAt: eligibleAt))
        case .leftBreakout(let id, let breakoutID, let reason):
            tell(openBreakouts[breakoutID]?.members ?? [], .partnerLeft(id, reason))
            tell([id], .leftBreakout(breakoutID, reason))
        case .breakoutClosed(_, let reason, let returned):
            tell(returned, .breakoutClosed(reason))
        case .chatDelivered(_, let from, let text, let recipients, let at):
            tell(([from] + recipients).sorted(), .chat(from: from, text: text, at: at))
        case .signalRelayed(let from, let to, let kind, let payload):
            tell([to], .signal(from: from, kind: kind, payload: payload))
        case .stayInTouchRequested(let from, let to):
            tell([from], .stayInTouchPending(with: to))
        case .stayInTouchWithdrawn(let from, let to):
            tell([from], .stayInTouchWithdrawn(with: to))
        case .feedbackGiven(let id, let breakout, let answer, _, _, _, _):
            tell([id], .feedbackRecorded(breakout, answer))
        case .contactsExchanged(let first, let second, let firstCard, let secondCard):
            tell([first], .contact(second, secondCard))
            tell([second], .contact(first, firstCard))
        }
    }

    mutating func tell(_ recipients: [AttendeeID], _ message: Notice.Message) {
        guard !recipients.isEmpty else { return }
        output.notices.append(Notice(to: recipients, message))
    }

    /// Each room's phase is told once per call, after everything else the call told (a snapshot: the last one
    /// is the one that counts).
    mutating func phaseChanged(_ room: RoomID) {
        if !phaseChangedRooms.contains(room) { phaseChangedRooms.append(room) }
    }

    /// The attendee's room and its phase, to the attendee alone.
    mutating func tellRoom(to id: AttendeeID, _ room: RoomID?) {
        tell([id], .roomEntered(room))
        if let room { tell([id], .phase(room, roomState(room).phase, joiningPaused: isJoiningPaused)) }
    }

    mutating func notifyPhase(of room: RoomID) {
        tell(presentMembers(of: room), .phase(room, roomState(room).phase, joiningPaused: isJoiningPaused))
    }

    /// A breakout formed with members who are away (dropped, within their grace period): the others see them
    /// as reconnecting from the start.
    private mutating func tellWhoIsAway(in breakout: Breakout) {
        for member in breakout.members {
            if case .reconnecting(_, let grace) = attendees[index(member)].connection {
                tell(breakout.members.filter { $0 != member }, .partnerReconnecting(member, graceEndsAt: grace))
            }
        }
    }

    /// The other members of `id`'s breakout.
    func partners(of id: AttendeeID) -> [AttendeeID] {
        breakout(of: id)?.members.filter { $0 != id } ?? []
    }

    /// Attendees in the room who are connected or within their grace period, in id order.
    public func presentMembers(of room: RoomID) -> [AttendeeID] {
        (roomStates[room]?.members ?? []).filter { attendees[index($0)].isPresent }.sorted()
    }
}
