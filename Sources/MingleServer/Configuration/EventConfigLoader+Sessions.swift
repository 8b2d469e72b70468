import Mingling

extension EventConfigLoader {
    /// `rooms` (each with its own `sessions`), or top-level `sessions` for an event with one room: the
    /// returned room is then `RoomID.single` with an empty title (the caller titles it with the event's name).
    static func readRooms(
        _ root: inout ObjectReader, attributes: [AttributeDefinition], _ d: inout ConfigDiagnostics
    ) -> [Room]? {
        let fields = root.fields
        let given = { (key: String) in fields[key].map { $0 != .null } ?? false }
        var seenSessions: [String: String] = [:]
        if given("sessions") && given("rooms") {
            _ = root.value("sessions", required: false, &d)
            d.fail("sessions", "not allowed together with rooms: put each room's sessions in rooms[].sessions")
        } else if given("sessions") || !given("rooms") {
            guard let items = root.array("sessions", required: false, Limits.sessionsPerRoom, &d) else {
                _ = root.value("rooms", required: false, &d)
                d.fail("rooms", "is required (or top-level sessions, for an event with one room)")
                return nil
            }
            _ = root.value("rooms", required: false, &d)
            let sessions = readSessions(items, attributes: attributes, seen: &seenSessions, &d)
            return [Room(id: .single, title: "", sessions: sessions)]
        }
        guard let items = root.array("rooms", required: true, Limits.rooms, &d) else { return nil }
        var rooms: [Room] = []
        var seenRooms: [String: String] = [:]
        for (path, value) in items {
            guard var object = ObjectReader(value, path: path, &d) else { continue }
            let id = object.identifier("id", &d)
            let title = object.string("title", Limits.label, &d)
            let location = object.string("location", required: false, Limits.location, &d)
            var sessions: [Session] = []
            if let entries = object.array("sessions", required: true, Limits.sessionsPerRoom, &d) {
                sessions = readSessions(entries, attributes: attributes, seen: &seenSessions, &d)
            }
            object.reportUnknownKeys(&d)
            if let id, let earlier = seenRooms[id] {
                d.fail("\(path).id", "duplicate of \(earlier).id (\"\(id)\")")
            } else if let id, let title {
                seenRooms[id] = path
                rooms.append(Room(id: RoomID(id), title: title, location: location, sessions: sessions))
            }
        }
        return rooms
    }

    /// One room's sessions, in order and not overlapping. `seen` holds the session ids of the whole event
    /// (they are unique across rooms: admins and the journal name sessions by id).
    static func readSessions(
        _ items: [(path: String, value: ConfigValue)], attributes: [AttributeDefinition], seen: inout [String: String],
        _ d: inout ConfigDiagnostics
    ) -> [Session] {
        var sessions: [(path: String, session: Session)] = []
        for (path, value) in items {
            guard var object = ObjectReader(value, path: path, &d) else { continue }
            let id = object.identifier("id", &d)
            let title = object.string("title", Limits.label, &d)
            let start = readTime(&object, "start", &d)
            let end = readTime(&object, "end", &d)
            var mingle: MinglePlan??
            if let value = object.value("mingle", required: false, &d) {
                mingle = readMingle(value, path: object.keyPath("mingle"), attributes: attributes, &d)
            } else {
                mingle = .some(nil)
            }
            object.reportUnknownKeys(&d)
            if let start, let end, end <= start {
                d.fail(object.keyPath("end"), "must be after start")
                continue
            }
            if let id, let earlier = seen[id] {
                d.fail("\(path).id", "duplicate of \(earlier).id (\"\(id)\")")
                continue
            }
            guard let id, let title, let start, let end, let mingle else { continue }
            seen[id] = path
            sessions.append((path, Session(id: SessionID(id), title: title, start: start, end: end, mingle: mingle)))
        }
        // A room's sessions run one after another: rounds of one must not be cut by the next starting.
        for (earlier, later) in zip(sessions, sessions.dropFirst()) where later.session.start < earlier.session.end {
            d.fail("\(later.path).start", "must not be before \(earlier.path).end (a room's sessions are listed in order and do not overlap; sessions in different rooms may)")
        }
        return sessions.map(\.session)
    }

    static func readTime(_ object: inout ObjectReader, _ key: String, _ d: inout ConfigDiagnostics) -> Timestamp? {
        guard let text = object.string(key, maxLength: 40, &d) else { return nil }
        guard let time = UTCTime.parseRFC3339(text) else {
            d.fail(object.keyPath(key), "must be an ISO 8601 date-time with offset such as \"2026-10-13T09:30:00+02:00\", got \"\(text)\"")
            return nil
        }
        return time
    }

    /// Returns `.some(nil)` for an explicit "no mingling", `nil` when invalid.
    static func readMingle(
        _ value: ConfigValue, path: String, attributes: [AttributeDefinition], _ d: inout ConfigDiagnostics
    ) -> MinglePlan?? {
        guard var object = ObjectReader(value, path: path, &d) else { return nil }
        let defaults = MinglePlan()
        let rounds = object.integer("rounds", Limits.rounds, default: defaults.rounds, &d)
        let roundSeconds = object.integer("roundSeconds", Limits.roundSeconds, default: defaults.roundSeconds, &d)
        let groupSize = object.integer("groupSize", Limits.groupSize, default: defaults.groupSize, &d)
        let fields = object.fields
        let given = { (key: String) in fields[key].map { $0 != .null } ?? false }
        let oneRule = given("pairBy") || given("policy")
        let givenPairBy = object.string("pairBy", required: false, maxLength: 64, &d)
        var pairBy = givenPairBy ?? defaults.pairBy
        let policy: PairingPolicy? = object.choice("policy", default: defaults.policy, &d)
        var rules: [PairingRule]?
        if let items = object.array("pairing", required: false, Limits.pairingRules, &d) {
            if oneRule {
                d.fail(object.keyPath("pairing"), "not allowed together with pairBy and policy (write that rule as the first entry of pairing)")
            }
            rules = readPairing(items, attributes: attributes, &d)
        }
        var prompts: [String]? = []
        if let items = object.array("prompts", required: false, Limits.prompts, &d) {
            for (promptPath, item) in items {
                guard case .string(let text) = item, Limits.promptText.allows(text: text) else {
                    d.fail(promptPath, "must be a string of \(Limits.promptText), got \(item.shown)")
                    prompts = nil
                    continue
                }
                prompts?.append(text)
            }
        }
        let warningSeconds = object.integer("warningSeconds", Limits.warningSeconds, default: defaults.warningSeconds, &d)
        let start: MingleStart? = object.choice("start", default: defaults.start, &d)
        let lateJoin = object.integer("lateJoinWindowSeconds", Limits.lateJoinWindowSeconds, default: defaults.lateJoinWindowSeconds, &d)
        object.reportUnknownKeys(&d)
        if rules == nil, !attributes.contains(where: { $0.id == pairBy }) {
            let declared = attributes.map(\.id).joined(separator: ", ")
            if givenPairBy == nil {
                d.fail(object.keyPath("pairBy"), "is required when no attribute \"\(pairBy)\" is declared (declared: \(declared))")
            } else {
                d.fail(object.keyPath("pairBy"), "must name a declared attribute (\(declared)), got \"\(pairBy)\"")
            }
            pairBy = ""
        }
        if let warningSeconds, let roundSeconds, warningSeconds >= roundSeconds {
            d.fail(object.keyPath("warningSeconds"), "must be less than roundSeconds (\(roundSeconds)), got \(warningSeconds)")
            return nil
        }
        guard let rounds, let roundSeconds, let groupSize, let policy, let prompts, let warningSeconds, let start,
              let lateJoin, rules.map({ !$0.isEmpty }) ?? !pairBy.isEmpty
        else { return nil }
        return .some(MinglePlan(
            rounds: rounds, roundSeconds: roundSeconds, groupSize: groupSize, pairBy: pairBy, policy: policy,
            rules: rules, prompts: prompts, warningSeconds: warningSeconds, start: start, lateJoinWindowSeconds: lateJoin))
    }

    /// `pairing`: rules in priority order, each `{"attribute", "policy"}`; each attribute once, at most one
    /// `share`. Returns an empty list when any entry is invalid.
    static func readPairing(
        _ items: [(path: String, value: ConfigValue)], attributes: [AttributeDefinition], _ d: inout ConfigDiagnostics
    ) -> [PairingRule] {
        var rules: [PairingRule] = []
        var valid = !items.isEmpty
        var seen: [String: String] = [:]
        var sharing: String?
        for (path, value) in items {
            guard var object = ObjectReader(value, path: path, &d) else { valid = false; continue }
            let attribute = object.string("attribute", maxLength: 64, &d)
            let policy: PairingPolicy? = object.choice("policy", default: nil, &d)
            object.reportUnknownKeys(&d)
            guard let attribute, let policy else { valid = false; continue }
            if !attributes.contains(where: { $0.id == attribute }) {
                let declared = attributes.map(\.id).joined(separator: ", ")
                d.fail(object.keyPath("attribute"), "must name a declared attribute (\(declared)), got \"\(attribute)\"")
                valid = false
            } else if let earlier = seen[attribute] {
                d.fail(object.keyPath("attribute"), "\"\(attribute)\" has a rule already (\(earlier)); one rule per attribute")
                valid = false
            }
            if policy == .share, let earlier = sharing {
                d.fail(object.keyPath("policy"), "only one rule may be \"share\" (\(earlier) is)")
                valid = false
            }
            seen[attribute] = seen[attribute] ?? path
            if policy == .share { sharing = sharing ?? path }
            rules.append(PairingRule(attribute: attribute, policy: policy))
        }
        return valid ? rules : []
    }

    static func readAccess(_ value: ConfigValue, _ d: inout ConfigDiagnostics) -> Access? {
        guard var object = ObjectReader(value, path: "access", &d) else { return nil }
        let mode = object.choice("mode", default: nil as AccessMode?, &d)
        let code = object.string("code", required: mode == .code, Limits.accessCodeSetting, &d)
        object.reportUnknownKeys(&d)
        switch mode {
        case .open?:
            if code != nil { d.fail("access.code", "only allowed when mode is \"code\"") }
            return .open
        case .code?:
            guard let code else { return nil }
            guard Limits.accessCodeSetting.allows(text: code) else {
                d.fail("access.code", "must be \(Limits.accessCodeSetting), got \(code.count)")
                return nil
            }
            return .accessCode(code)
        case nil:
            return nil
        }
    }

    enum AccessMode: String, CaseIterable { case open, code }

    static func readIceServer(_ value: ConfigValue, path: String, _ d: inout ConfigDiagnostics) -> IceServer? {
        guard var object = ObjectReader(value, path: path, &d) else { return nil }
        var urls: [String] = []
        var valid = true
        if let items = object.array("urls", required: true, Limits.iceServerURLs, &d) {
            if items.isEmpty { valid = false }
            for (urlPath, item) in items {
                let schemes = ["stun:", "stuns:", "turn:", "turns:"]
                guard case .string(let url) = item, schemes.contains(where: { url.hasPrefix($0) }), Limits.iceServerURL.allows(text: url) else {
                    d.fail(urlPath, "must be a stun:, stuns:, turn: or turns: URL, got \(item.shown)")
                    valid = false
                    continue
                }
                urls.append(url)
            }
        } else {
            valid = false
        }
        let username = object.string("username", required: false, &d)
        let credential = object.string("credential", required: false, &d)
        object.reportUnknownKeys(&d)
        if urls.contains(where: { $0.hasPrefix("turn") }) {
            if username == nil { d.fail(object.keyPath("username"), "is required for turn: URLs"); valid = false }
            if credential == nil { d.fail(object.keyPath("credential"), "is required for turn: URLs"); valid = false }
        }
        return valid ? IceServer(urls: urls, username: username, credential: credential) : nil
    }

    static func readPrivacy(_ value: ConfigValue, _ d: inout ConfigDiagnostics) -> Privacy? {
        guard var object = ObjectReader(value, path: "privacy", &d) else { return nil }
        let defaults = Privacy()
        let retention = object.integer("retentionDays", Limits.retentionDays, default: defaults.retentionDays, &d)
        let logging: IPLogging? = object.choice("ipLogging", default: defaults.ipLogging, &d)
        object.reportUnknownKeys(&d)
        guard let retention, let logging else { return nil }
        return Privacy(retentionDays: retention, ipLogging: logging)
    }
}
