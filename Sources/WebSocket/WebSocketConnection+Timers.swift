/// Keepalive and close deadlines. The connection never reads the clock: the caller passes `now`
/// and arms a timer for `nextDeadline`.
extension WebSocketConnection {
    /// The earliest instant at which `timerFired` has something to do; nil when nothing is pending.
    public var nextDeadline: ContinuousClock.Instant? {
        switch phase {
        case .closed:
            return nil
        case .closing:
            return closeDeadline
        case .open:
            if let pongDeadline { return pongDeadline }
            guard let interval = timing.pingInterval else { return nil }
            return lastReceivedAt + interval
        }
    }

    /// Does what is due at `now` (a ping, or giving up on a silent peer); frames go to `output`.
    /// Returns `.closed` when the connection ended, else nil.
    public func timerFired(now: ContinuousClock.Instant, output: inout [UInt8]) -> WebSocketEvent? {
        switch phase {
        case .closed:
            return nil
        case .closing:
            // §7.1.1 leaves the wait to the endpoint; past `closeTimeout` the peer is not coming back.
            guard let closeDeadline, now >= closeDeadline else { return nil }
            phase = .closed
            return .closed(code: sentCloseCode, reason: "", initiatedByPeer: false)
        case .open:
            if let pongDeadline {
                guard now >= pongDeadline else { return nil }
                // A peer that does not answer a ping in time is treated as gone: close with 1011.
                let code = CloseCode.internalError.rawValue
                FrameWriter.writeClose(code: code, reason: Array("pong timeout".utf8), into: &output)
                phase = .closed
                return .closed(code: code, reason: "pong timeout", initiatedByPeer: false)
            }
            if let interval = timing.pingInterval, now >= lastReceivedAt + interval {
                FrameWriter.write(opcode: .ping, payload: UnsafeRawBufferPointer(start: nil, count: 0), into: &output)
                pongDeadline = now + timing.pongTimeout
            }
            return nil
        }
    }
}
