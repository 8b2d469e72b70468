import Mingling

extension EventConfigLoader {
    static func readSessions(
        _ items: [(path: String, value: ConfigValue)], attributes: [AttributeDefinition], _ d: inout ConfigDiagnostics
    ) -> [Session] {
        var sessions: [(path: String, session: Session)] = []
        var seen: [String: String] = [:]
        for (path, value) in items {
            guard var object = ObjectReader(value, path: path, &d) else { continue }
            let id = object.identifier("id", &d)
            let title = object.string("title", &d)
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
        // Sessions run one after another: rounds of one must not be cut by the next starting.
        for (earlier, later) in zip(sessions, sessions.dropFirst()) where later.session.start < earlier.session.end {
            d.fail("\(later.path).start", "must not be before \(earlier.path).end (sessions are listed in order and do not overlap)")
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
        let rounds = object.integer("rounds", in: 1...20, default: defaults.rounds, &d)
        let roundSeconds = object.integer("roundSeconds", in: 30...1800, default: defaults.roundSeconds, &d)
        let groupSize = object.integer("groupSize", in: 2...6, default: defaults.groupSize, &d)
        let givenPairBy = object.string("pairBy", required: false, maxLength: 64, &d)
        var pairBy = givenPairBy ?? defaults.pairBy
        let policy: PairingPolicy? = object.choice("policy", default: defaults.policy, &d)
        var prompts: [String]? = []
        if let items = object.array("prompts", required: false, maxCount: maxPrompts, &d) {
            for (promptPath, item) in items {
                guard case .string(let text) = item, !text.isEmpty, text.count <= 280 else {
                    d.fail(promptPath, "must be a string of 1...280 characters, got \(item.shown)")
                    prompts = nil
                    continue
                }
                prompts?.append(text)
            }
        }
        let warningSeconds = object.integer("warningSeconds", in: 0...300, default: defaults.warningSeconds, &d)
        let start: MingleStart? = object.choice("start", default: defaults.start, &d)
        let lateJoin = object.integer("lateJoinWindowSeconds", in: 0...300, default: defaults.lateJoinWindowSeconds, &d)
        object.reportUnknownKeys(&d)
        if !attributes.contains(where: { $0.id == pairBy }) {
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
        guard let rounds, let roundSeconds, let groupSize, !pairBy.isEmpty, let policy, let prompts,
              let warningSeconds, let start, let lateJoin
        else { return nil }
        return .some(MinglePlan(
            rounds: rounds, roundSeconds: roundSeconds, groupSize: groupSize, pairBy: pairBy, policy: policy,
            prompts: prompts, warningSeconds: warningSeconds, start: start, lateJoinWindowSeconds: lateJoin))
    }

    static func readAccess(_ value: ConfigValue, _ d: inout ConfigDiagnostics) -> Access? {
        guard var object = ObjectReader(value, path: "access", &d) else { return nil }
        let mode = object.choice("mode", default: nil as AccessMode?, &d)
        let code = object.string("code", required: mode == .code, maxLength: 64, &d)
        object.reportUnknownKeys(&d)
        switch mode {
        case .open?:
            if code != nil { d.fail("access.code", "only allowed when mode is \"code\"") }
            return .open
        case .code?:
            guard let code else { return nil }
            guard code.count >= 4 else {
                d.fail("access.code", "must be 4...64 characters, got \(code.count)")
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
        if let items = object.array("urls", required: true, maxCount: 10, &d) {
            if items.isEmpty { d.fail(object.keyPath("urls"), "must have at least 1 entry"); valid = false }
            for (urlPath, item) in items {
                let schemes = ["stun:", "stuns:", "turn:", "turns:"]
                guard case .string(let url) = item, schemes.contains(where: { url.hasPrefix($0) }), url.count <= 256 else {
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
        let retention = object.integer("retentionDays", in: 1...3650, default: defaults.retentionDays, &d)
        let logging: IPLogging? = object.choice("ipLogging", default: defaults.ipLogging, &d)
        object.reportUnknownKeys(&d)
        guard let retention, let logging else { return nil }
        return Privacy(retentionDays: retention, ipLogging: logging)
    }
}
