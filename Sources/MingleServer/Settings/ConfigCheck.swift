import Foundation

/// `mingle check-config PATH`: an event file, or a settings file plus the event it names.
public enum ConfigCheck {
    public static func run(path: String) -> Result<String, ConfigErrors> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigErrors([ConfigError(file: (path as NSString).lastPathComponent, keyPath: "", rule: "cannot read \(path)")]))
        }
        // An event file describes the event (an object under "event", and rooms or sessions); a settings
        // file names the event file ("event" is a path) or has none of these.
        let looksLikeSettings = (try? ConfigValue.parse(data)).map { value -> Bool in
            if case .object(let fields) = value {
                if case .object? = fields["event"] { return false }
                return fields["sessions"] == nil && fields["rooms"] == nil
            }
            return false
        } ?? false
        var eventPath = path
        var lines: [String] = []
        if looksLikeSettings {
            switch ServerSettingsLoader.load(path: path) {
            case .failure(let errors): return .failure(errors)
            case .success(let settings):
                lines.append("\(path): server settings are valid (listen \(settings.host):\(settings.port), TLS \(settings.plain ? "off" : "on"))")
                if let turn = settings.turn {
                    switch checkTurn(turn, settingsFile: (path as NSString).lastPathComponent) {
                    case .failure(let errors): return .failure(errors)
                    case .success(let text): lines.append(contentsOf: text)
                    }
                }
                guard let e = settings.eventConfigPath else { return .success(lines.joined(separator: "\n")) }
                eventPath = e
            }
        }
        switch EventConfigLoader.load(path: eventPath) {
        case .failure(let errors): return .failure(errors)
        case .success(let plan):
            lines.append("\(eventPath): valid")
            lines.append(EventConfigLoader.summary(of: plan))
            return .success(lines.joined(separator: "\n"))
        }
    }

    /// The secret file must be readable now (the server reads it at start and on SIGHUP); its content is never
    /// printed.
    static func checkTurn(_ turn: TurnSettings, settingsFile: String) -> Result<[String], ConfigErrors> {
        do {
            _ = try TurnSecretFile.read(turn.secretFile)
        } catch {
            return .failure(ConfigErrors([ConfigError(file: settingsFile, keyPath: "turn.secretFile", rule: error.description)]))
        }
        var lines = ["TURN: short-lived credentials (\(turn.credentialSeconds) s, renewed at 3/4) for \(turn.urls.joined(separator: ", "))",
                     "TURN: the shared secret in \(turn.secretFile) is readable"]
        if TurnSecretFile.isReadableByOthers(turn.secretFile) {
            lines.append("warning: \(turn.secretFile) is readable by its group or everyone; chmod 600 it (it lets anyone use the TURN server)")
        }
        return .success(lines)
    }
}
