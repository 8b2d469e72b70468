import Foundation
import Mingling

/// Reads `server.json` (documented in Config/README.md, "Server settings") over the defaults,
/// reporting every error at once like the event file. Relative paths are relative to the
/// settings file's folder.
public enum ServerSettingsLoader {
    public static func load(path: String, over defaults: ServerSettings = ServerSettings()) -> Result<ServerSettings, ConfigErrors> {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigErrors([ConfigError(file: file, keyPath: "", rule: "cannot read \(path)")]))
        }
        var d = ConfigDiagnostics(file: file)
        let tree: ConfigValue
        do { tree = try ConfigValue.parse(data) } catch {
            d.fail("", "not valid JSON: \(error)")
            return .failure(ConfigErrors(d.errors))
        }
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") || base.isEmpty ? p : ((base + "/" + p) as NSString).standardizingPath
        }
        var s = defaults
        guard var root = ObjectReader(tree, path: "", &d) else { return .failure(ConfigErrors(d.errors)) }
        if let event = root.string("event", required: false, maxLength: 4096, &d) { s.eventConfigPath = resolve(event) }
        if let dir = root.string("stateDirectory", required: false, maxLength: 4096, &d) { s.stateDirectory = resolve(dir) }
        if let loops = root.integer("loops", in: 0...64, default: s.loops, &d) { s.loops = loops }
        if let token = root.string("adminToken", required: false, maxLength: 200, &d) {
            if token.count < 16 { d.fail("adminToken", "must be at least 16 characters, got \(token.count)") }
            s.adminToken = token
        }
        if let echo = root.bool("echoEndpoint", default: s.echoEndpoint, &d) { s.echoEndpoint = echo }
        if let compression = root.bool("compression", default: s.compression, &d) { s.compression = compression }
        if let b = root.string("basePath", required: false, maxLength: 4096, &d), let rule = s.setBasePath(b) {
            d.fail("basePath", rule)
        }
        if let dir = root.string("publicDirectory", required: false, maxLength: 4096, &d) { s.publicDirectory = resolve(dir) }
        if let items = root.array("allowedOrigins", required: false, maxCount: 50, &d) {
            s.allowedOrigins = items.compactMap { item -> String? in
                guard case .string(let o) = item.value, o.hasPrefix("https://") || o.hasPrefix("http://"), !o.hasSuffix("/") else {
                    d.fail(item.path, "must be an origin like https://mingle.example.org (scheme and host, no path)")
                    return nil
                }
                return o
            }
        }
        if let v = root.value("listen", required: false, &d), var o = ObjectReader(v, path: "listen", &d) {
            if let host = o.string("host", required: false, maxLength: 64, &d) { s.host = host }
            if let port = o.integer("port", in: 0...65535, default: Int(s.port), &d) { s.port = UInt16(port) }
            if let tls = o.bool("tls", default: !s.plain, &d) { s.plain = !tls }
            o.reportUnknownKeys(&d)
        }
        if let v = root.value("tls", required: false, &d), var o = ObjectReader(v, path: "tls", &d) {
            if let c = o.string("certificate", required: false, maxLength: 4096, &d) { s.certificatePath = resolve(c) }
            if let k = o.string("privateKey", required: false, maxLength: 4096, &d) { s.privateKeyPath = resolve(k) }
            if let dir = o.string("devCertificateDirectory", required: false, maxLength: 4096, &d) { s.devCertificateDirectory = resolve(dir) }
            o.reportUnknownKeys(&d)
        }
        if let v = root.value("limits", required: false, &d), var o = ObjectReader(v, path: "limits", &d) {
            func seconds(_ key: String, _ bounds: ClosedRange<Int>, _ current: Duration) -> Duration? {
                o.integer(key, in: bounds, default: Int(current.components.seconds), &d).map { .seconds($0) }
            }
            if let x = seconds("handshakeTimeoutSeconds", 1...120, s.handshakeTimeout) { s.handshakeTimeout = x }
            if let x = seconds("keepAliveTimeoutSeconds", 1...3600, s.keepAliveTimeout) { s.keepAliveTimeout = x }
            if let x = o.integer("maxRequestLineBytes", in: 256...65536, default: s.maxRequestLineBytes, &d) { s.maxRequestLineBytes = x }
            if let x = o.integer("maxHeaderLineBytes", in: 256...65536, default: s.maxHeaderLineBytes, &d) { s.maxHeaderLineBytes = x }
            if let x = o.integer("maxHeaderCount", in: 8...1000, default: s.maxHeaderCount, &d) { s.maxHeaderCount = x }
            if let x = o.integer("maxHeadBytes", in: 1024...262_144, default: s.maxHeadBytes, &d) { s.maxHeadBytes = x }
            if let x = o.integer("maxBodyBytes", in: 0...67_108_864, default: s.maxBodyBytes, &d) { s.maxBodyBytes = x }
            if let x = o.integer("maxMessageBytes", in: 1024...16_777_216, default: s.maxMessageBytes, &d) { s.maxMessageBytes = x }
            if let x = o.integer("maxFragmentsPerMessage", in: 1...100_000, default: s.maxFragmentsPerMessage, &d) { s.maxFragmentsPerMessage = x }
            if let x = seconds("pingIntervalSeconds", 5...600, s.pingInterval) { s.pingInterval = x }
            if let x = seconds("pongTimeoutSeconds", 1...600, s.pongTimeout) { s.pongTimeout = x }
            if let x = seconds("closeTimeoutSeconds", 1...120, s.closeTimeout) { s.closeTimeout = x }
            if let x = o.integer("maxConnections", in: 1...1_000_000, default: s.maxConnections, &d) { s.maxConnections = x }
            if let x = o.integer("outboundSoftLimitBytes", in: 4096...67_108_864, default: s.outboundSoftLimitBytes, &d) { s.outboundSoftLimitBytes = x }
            if let x = o.integer("outboundHardLimitBytes", in: 4096...268_435_456, default: s.outboundHardLimitBytes, &d) { s.outboundHardLimitBytes = x }
            if let x = seconds("slowConsumerTimeoutSeconds", 1...600, s.slowConsumerTimeout) { s.slowConsumerTimeout = x }
            if s.outboundHardLimitBytes < s.outboundSoftLimitBytes {
                d.fail("limits.outboundHardLimitBytes", "must be at least outboundSoftLimitBytes (\(s.outboundSoftLimitBytes)), got \(s.outboundHardLimitBytes)")
            }
            o.reportUnknownKeys(&d)
        }
        if let v = root.value("log", required: false, &d), var o = ObjectReader(v, path: "log", &d) {
            if let f = o.choice("format", default: s.logFormat, &d) { s.logFormat = f }
            if let l = o.choice("level", default: s.logLevel, &d) { s.logLevel = l }
            o.reportUnknownKeys(&d)
        }
        if let v = root.value("connectionLog", required: false, &d), var o = ObjectReader(v, path: "connectionLog", &d) {
            if let on = o.bool("enabled", default: s.connectionLogEnabled, &d) { s.connectionLogEnabled = on }
            if let p = o.string("path", required: false, maxLength: 4096, &d) { s.connectionLogPath = resolve(p) }
            if let x = o.integer("maxFileBytes", in: 65536...17_179_869_184, default: s.connectionLogMaxFileBytes, &d) { s.connectionLogMaxFileBytes = x }
            o.reportUnknownKeys(&d)
        }
        if let v = root.value("proxy", required: false, &d), var o = ObjectReader(v, path: "proxy", &d) {
            if let h = o.string("forwardedForHeader", required: false, maxLength: 64, &d) {
                if h.isEmpty || !h.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }) {
                    d.fail("proxy.forwardedForHeader", "must be a header name like X-Forwarded-For, got \"\(h)\"")
                }
                s.forwardedForHeader = h
            }
            o.reportUnknownKeys(&d)
        }
        if let m = root.bool("metricsPublic", default: s.metricsPublic, &d) { s.metricsPublic = m }
        if let v = root.value("turn", required: false, &d), var o = ObjectReader(v, path: "turn", &d) {
            s.turn = readTurn(&o, resolve: resolve, &d)
            o.reportUnknownKeys(&d)
        }
        if let v = root.value("mingling", required: false, &d), var o = ObjectReader(v, path: "mingling", &d) {
            var e = s.engine
            if let x = o.integer("reconnectGraceSeconds", in: 5...3600, default: e.reconnectGraceSeconds, &d) { e.reconnectGraceSeconds = x }
            if let x = o.integer("pauseBetweenRoundsSeconds", in: 0...300, default: e.pauseBetweenRoundsSeconds, &d) { e.pauseBetweenRoundsSeconds = x }
            if let x = o.integer("minimumLateBreakoutSeconds", in: 0...1800, default: e.minimumLateBreakoutSeconds, &d) { e.minimumLateBreakoutSeconds = x }
            if let x = o.integer("automaticStartWindowSeconds", in: 0...86_400, default: e.automaticStartWindowSeconds, &d) { e.automaticStartWindowSeconds = x }
            if let x = o.integer("feedbackWindowSeconds", in: 60...86_400, default: e.feedbackWindowSeconds, &d) { e.feedbackWindowSeconds = x }
            if let x = o.integer("resumeTokensValidAfterEventSeconds", in: 0...31_536_000, default: s.resumeTokensValidAfterEventSeconds, &d) {
                s.resumeTokensValidAfterEventSeconds = x
            }
            s.engine = e
            o.reportUnknownKeys(&d)
        }
        root.reportUnknownKeys(&d)
        return d.errors.isEmpty ? .success(s) : .failure(ConfigErrors(d.errors))
    }

    /// `turn`: URLs well formed (RFC 7065), a secret file, a credential lifetime. Whether the file can be read
    /// is checked where it is read (at start, by check-config, on SIGHUP), never by printing it.
    static func readTurn(_ o: inout ObjectReader, resolve: (String) -> String, _ d: inout ConfigDiagnostics) -> TurnSettings? {
        var urls: [String] = []
        var valid = true
        if let items = o.array("urls", required: true, maxCount: TurnSettings.urlCountBounds.upperBound, &d) {
            if items.isEmpty { d.fail(o.keyPath("urls"), "needs at least one turn: or turns: URL"); valid = false }
            for item in items {
                guard case .string(let url) = item.value else {
                    d.fail(item.path, "must be a turn: or turns: URL, got \(item.value.shown)")
                    valid = false
                    continue
                }
                if url.count > TurnSettings.urlMaxCharacters {
                    d.fail(item.path, "must be at most \(TurnSettings.urlMaxCharacters) characters, got \(url.count)")
                    valid = false
                } else if let problem = TurnURL.problem(url) {
                    d.fail(item.path, "\(problem), got \"\(url)\"")
                    valid = false
                }
                urls.append(url)
            }
        } else {
            valid = false
        }
        let file = o.string("secretFile", required: true, maxLength: 4096, &d)
        let bounds = TurnSettings.credentialSecondsBounds
        let seconds = o.integer("credentialSeconds", in: bounds, default: TurnSettings.defaultCredentialSeconds, &d)
        guard valid, let file, let seconds else { return nil }
        return TurnSettings(urls: urls, secretFile: resolve(file), credentialSeconds: seconds)
    }
}
