import Mingling

/// Encoders for every server -> client message (see README.md in this folder). Each returns the
/// UTF-8 JSON of one text frame; a message for many recipients is encoded once.
enum ServerMessage {
    static func error(_ e: ProtocolError) -> [UInt8] {
        JSONWriter.message("error") { w in
            w.field("code", e.code.rawValue)
            w.field("message", e.message)
            w.field("request", optional: e.request)
        }
    }

    static func error(_ e: MinglingError, request: String) -> [UInt8] {
        error(ProtocolError(code: e.code, message: e.description, request: request))
    }

    static func attendee(_ w: inout JSONWriter, _ id: AttendeeID, _ profile: Profile, _ plan: EventPlan) {
        w.beginObject()
        w.field("id", Int(id.rawValue))
        w.field("name", profile.displayName)
        w.fieldIfPresent("organisation", profile.organisation)
        w.key("attributes")
        attributes(&w, profile, plan)
        w.endObject()
    }

    /// `{"region": "viken", "languages": ["no", "en"]}`: a `multiple` attribute's answer is always an array, any
    /// other a string (an answer the plan no longer describes keeps the shape it has).
    static func attributes(_ w: inout JSONWriter, _ profile: Profile, _ plan: EventPlan) {
        w.beginObject()
        for (k, values) in profile.attributes.sorted(by: { $0.key < $1.key }) {
            if plan.attribute(k)?.multiple != true && values.count == 1 {
                w.field(k, values[0])
            } else {
                w.key(k); w.beginArray(); for v in values { w.string(v) }; w.endArray()
            }
        }
        w.endObject()
    }

    static func contactCard(_ w: inout JSONWriter, _ id: AttendeeID, _ card: ContactCard) {
        w.beginObject()
        w.field("attendee", Int(id.rawValue))
        w.field("name", card.name ?? "")
        w.fieldIfPresent("organisation", card.organisation)
        w.fieldIfPresent("email", card.email)
        w.fieldIfPresent("link", card.link)
        w.endObject()
    }

    /// A room's phase: `room`, `phase`, `session`, `round`, `rounds`, `endsAt`, `joiningPaused`, and while a
    /// round runs `startedAt` and `warningSeconds`, between rounds `nextRoundAt`.
    static func phaseFields(_ w: inout JSONWriter, room: RoomID?, _ phase: Phase, joiningPaused: Bool) {
        w.field("room", optional: room?.rawValue)
        phaseBody(&w, phase)
        w.field("joiningPaused", joiningPaused)
    }

    /// `phase`, `session`, `round`, `rounds`, `endsAt` and, by status, `startedAt` + `warningSeconds` or
    /// `nextRoundAt`.
    static func phaseBody(_ w: inout JSONWriter, _ phase: Phase, session: Bool = true) {
        switch phase {
        case .lobby:
            w.field("phase", "lobby")
            if session { w.key("session"); w.null() }
            w.key("round"); w.null()
            w.key("rounds"); w.null()
            w.key("endsAt"); w.null()
        case .session(let id):
            w.field("phase", "session")
            if session { w.field("session", id.rawValue) }
            w.key("round"); w.null()
            w.key("rounds"); w.null()
            w.key("endsAt"); w.null()
        case .mingling(let m):
            w.field("phase", "mingling")
            if session { w.field("session", m.session.rawValue) }
            w.field("round", m.round)
            w.field("rounds", m.plan.rounds)
            switch m.status {
            case .running(let startedAt, let endsAt, _):
                w.field("endsAt", endsAt.millisecondsSinceEpoch)
                w.field("startedAt", startedAt.millisecondsSinceEpoch)
                w.field("warningSeconds", m.plan.warningSeconds)
            case .between(let next):
                w.key("endsAt"); w.null()
                w.field("nextRoundAt", next.millisecondsSinceEpoch)
            }
        }
    }

    static func phase(room: RoomID, _ phase: Phase, joiningPaused: Bool) -> [UInt8] {
        JSONWriter.message("phase") { phaseFields(&$0, room: room, phase, joiningPaused: joiningPaused) }
    }

    /// The phase of the attendee's room (the event's lobby when in none).
    static func phaseFields(_ w: inout JSONWriter, of id: AttendeeID, _ engine: MinglingEngine) {
        let room = engine.attendee(id)?.room
        let phase = room.flatMap { engine.room($0)?.phase } ?? .lobby
        phaseFields(&w, room: room, phase, joiningPaused: engine.isJoiningPaused)
    }

    static func breakoutFields(_ w: inout JSONWriter, _ b: Breakout, _ engine: MinglingEngine) {
        w.field("id", Int(b.id.rawValue))
        w.field("room", b.room.rawValue)
        w.key("members")
        w.beginArray()
        for m in b.members {
            if let a = engine.attendee(m) { attendee(&w, m, a.profile, engine.plan) }
        }
        w.endArray()
        w.field("prompt", optional: b.prompt)
        w.field("endsAt", b.endsAt.millisecondsSinceEpoch)
    }

    static func event(_ w: inout JSONWriter, _ plan: EventPlan) {
        w.beginObject()
        w.field("id", plan.event.id)
        w.field("name", plan.event.name)
        w.field("timeZone", plan.event.timeZone)
        w.key("attributes")
        w.beginArray()
        for a in plan.attributes {
            w.beginObject()
            w.field("id", a.id)
            w.field("label", a.label)
            w.field("required", a.required)
            w.field("multiple", a.multiple)
            w.key("values")
            w.beginArray()
            for v in a.values {
                w.beginObject(); w.field("id", v.id); w.field("label", v.label); w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("rooms")
        w.beginArray()
        for room in plan.rooms {
            w.beginObject()
            w.field("id", room.id.rawValue)
            w.field("title", room.title)
            w.field("location", optional: room.location)
            w.key("sessions")
            w.beginArray()
            for s in room.sessions { session(&w, s) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.field("accessCodeRequired", plan.access != .open)
        w.key("iceServers")
        w.beginArray()
        for ice in plan.iceServers { iceServer(&w, urls: ice.urls, username: ice.username, credential: ice.credential) }
        w.endArray()
        w.endObject()
    }

    private static func session(_ w: inout JSONWriter, _ s: Session) {
        w.beginObject()
        w.field("id", s.id.rawValue)
        w.field("title", s.title)
        w.field("start", s.start.millisecondsSinceEpoch)
        w.field("end", s.end.millisecondsSinceEpoch)
        w.key("mingle")
        if let m = s.mingle {
            w.beginObject()
            w.field("rounds", m.rounds)
            w.field("roundSeconds", m.roundSeconds)
            w.field("groupSize", m.groupSize)
            w.field("start", m.start.rawValue)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }

    static func presence(room: RoomID, total: Int, byAttribute: [String: [String: Int]], inBreakouts: Int, waiting: Int) -> [UInt8] {
        JSONWriter.message("presence") { w in
            w.field("room", room.rawValue)
            w.field("total", total)
            w.key("byAttribute")
            counts(&w, byAttribute)
            w.field("inBreakouts", inBreakouts)
            w.field("waiting", waiting)
        }
    }

    /// `{"attribute": {"value": count}}` in a stable order.
    static func counts(_ w: inout JSONWriter, _ byAttribute: [String: [String: Int]]) {
        w.beginObject()
        for (a, counts) in byAttribute.sorted(by: { $0.key < $1.key }) {
            w.key(a)
            w.beginObject()
            for (v, n) in counts.sorted(by: { $0.key < $1.key }) { w.field(v, n) }
            w.endObject()
        }
        w.endObject()
    }

    static func announcement(text: String, at: Timestamp, scope: String, room: RoomID?) -> [UInt8] {
        JSONWriter.message("announcement") { w in
            w.field("text", text)
            w.field("at", at.millisecondsSinceEpoch)
            w.field("scope", scope)
            w.field("room", optional: room?.rawValue)
        }
    }

    /// `{"iceServers": [{"urls", "username", "credential"}], "expiresAt"}`: a short-lived TURN credential as the
    /// browser passes it to `RTCPeerConnection` (welcome's `turn`, and `turn_credentials`).
    static func turn(_ w: inout JSONWriter, _ c: TurnCredential) {
        w.beginObject()
        turnFields(&w, c)
        w.endObject()
    }

    private static func turnFields(_ w: inout JSONWriter, _ c: TurnCredential) {
        w.key("iceServers")
        w.beginArray()
        iceServer(&w, urls: c.urls, username: c.username, credential: c.credential)
        w.endArray()
        w.field("expiresAt", c.expiresAt.millisecondsSinceEpoch)
    }

    /// One `RTCIceServer` object: the event file's servers and the short-lived TURN credentials alike.
    private static func iceServer(_ w: inout JSONWriter, urls: [String], username: String?, credential: String?) {
        w.beginObject()
        w.key("urls"); w.beginArray(); for u in urls { w.string(u) }; w.endArray()
        w.fieldIfPresent("username", username)
        w.fieldIfPresent("credential", credential)
        w.endObject()
    }

    static func turnCredentials(_ c: TurnCredential) -> [UInt8] {
        JSONWriter.message("turn_credentials") { turnFields(&$0, c) }
    }

    static func sync(clientTime: Double, serverTime: Timestamp) -> [UInt8] {
        JSONWriter.message("sync") { w in
            w.key("clientTime")
            w.number(clientTime)
            w.field("serverTime", serverTime.millisecondsSinceEpoch)
        }
    }
}
