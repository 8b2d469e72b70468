import Mingling

/// Short-lived TURN credentials (Turn/TurnCredentials.swift): an attendee gets one with `welcome` when in a
/// breakout, and one right before each `breakout` message; while still connected and in a breakout, a new one
/// at three quarters of the old one's life (`turn_credentials`). Who holds one is delivery state, like `links`:
/// after a restart everyone resumes and is issued a fresh credential with `welcome`.
extension MinglingHub {
    /// A fresh credential for `id`, with its renewal scheduled; nil when no TURN server is configured.
    func issueTurnCredential(_ id: AttendeeID, now: Timestamp) -> TurnCredential? {
        guard let turn else { return nil }
        turnRenewals.issued(to: id, renewAt: turn.renewal(issuedAt: now))
        return turn.issue(for: id, now: now)
    }

    func sendTurnCredential(_ id: AttendeeID, now: Timestamp) {
        guard links[id] != nil, let credential = issueTurnCredential(id, now: now) else { return }
        send(id, ServerMessage.turnCredentials(credential))
    }

    /// Renews what is due for attendees still connected and in a breakout; forgets the others.
    func renewTurnCredentials(now: Timestamp) {
        for id in turnRenewals.dueNow(now) {
            if links[id] != nil, engine.breakout(of: id) != nil {
                sendTurnCredential(id, now: now)
            } else {
                turnRenewals.forget(id)
            }
        }
    }

    /// A new shared secret (SIGHUP): credentials signed with the old one stop working as soon as the TURN server
    /// drops it, so everyone in a breakout gets a new one now.
    func replaceTurnSecret(_ secret: [UInt8]) {
        guard turn != nil else { return }
        turn?.replaceSecret(secret)
        let now = wallClock()
        for id in turnRenewals.holders {
            if links[id] != nil, engine.breakout(of: id) != nil { sendTurnCredential(id, now: now) } else { turnRenewals.forget(id) }
        }
        afterInput(now: now)
    }

    /// Keeps one timer armed at the earliest renewal.
    func armTurnRenewal(now: Timestamp) {
        let next = turnRenewals.nextDeadline
        guard next != scheduledTurnRenewal else { return }
        if let task = turnRenewalTask { loop.cancel(task) }
        turnRenewalTask = nil
        scheduledTurnRenewal = next
        guard let next else { return }
        let delay = max(0, now.milliseconds(until: next))
        turnRenewalTask = loop.schedule(at: .now + .milliseconds(delay)) { [unowned self] in
            self.turnRenewalTask = nil
            self.scheduledTurnRenewal = nil
            let now = self.wallClock()
            self.renewTurnCredentials(now: now)
            self.afterInput(now: now)
        }
    }
}
