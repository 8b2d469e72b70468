import ArgumentParser
import Foundation
import MingleServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (TLS with a development certificate unless one is configured).")

    @Option(name: .long, help: "Server settings file (JSON); see Config/README.md.")
    var config: String?

    @Option(name: .long, help: "Address to listen on (numeric IPv4 or IPv6).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: UInt16?

    @Flag(name: .long, help: "Plain TCP without TLS, for running behind a TLS-terminating proxy.")
    var plain = false

    @Option(name: .long, help: "PEM certificate chain file (leaf first).")
    var cert: String?

    @Option(name: .long, help: "PEM private key file.")
    var key: String?

    @Flag(name: .long, help: "Enable the /echo WebSocket endpoint (conformance and benchmark runs).")
    var echo = false

    @Option(name: .long, help: "Event loop threads (default: one per core).")
    var loops: Int?

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat: String?

    @Option(name: .long, help: "Event file (default: Config/event.json).")
    var event: String?

    @Flag(name: .long, help: "Serve without an event (echo and static files only).")
    var noEvent = false

    @Option(name: .long, help: "Directory for the journal and the server secret (default: var).")
    var stateDir: String?

    @Option(name: .long, help: "Serve under this path prefix as well as at the root, e.g. /e/cocreation (behind a proxy that routes by path).")
    var basePath: String?

    @Option(name: .long, help: "Seed for the pairing randomness (reproducible runs).")
    var seed: UInt64?

    mutating func run() throws {
        var settings = ServerSettings()
        let configPath = config ?? (FileManager.default.fileExists(atPath: "Config/server.json") ? "Config/server.json" : nil)
        if let configPath {
            switch ServerSettingsLoader.load(path: configPath) {
            case .success(let loaded): settings = loaded
            case .failure(let errors):
                FileHandle.standardError.write(Data(("mingle: the settings file is invalid:\n" + errors.description + "\n").utf8))
                throw ExitCode(2)
            }
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        if plain { settings.plain = true }
        if let cert { settings.certificatePath = cert }
        if let key { settings.privateKeyPath = key }
        if echo { settings.echoEndpoint = true }
        if let loops { settings.loops = loops }
        if let event { settings.eventConfigPath = event }
        if noEvent { settings.eventConfigPath = nil }
        if let stateDir { settings.stateDirectory = stateDir }
        if let seed { settings.randomSeed = seed }
        if let basePath, let rule = settings.setBasePath(basePath) {
            throw ValidationError("--base-path \(rule)")
        }
        if let logFormat {
            guard let f = Log.Format(rawValue: logFormat) else {
                throw ValidationError("--log-format must be text or json, got \(logFormat)")
            }
            settings.logFormat = f
        }
        let log = Log(format: settings.logFormat, minimumLevel: settings.logLevel)
        ProcessSignal.blockHandledSignals()
        let server: Server
        do {
            // systemd socket activation (scripts/mingle.socket): the listening sockets it holds across restarts.
            let sockets = try Server.HandedOverSockets.fromServiceManager()
            server = try Server(settings: settings, log: log, sockets: sockets)
        } catch {
            log.error("start_failed", ["reason": error.description])
            throw ExitCode(1)
        }
        while true {
            switch ProcessSignal.wait() {
            case .reload:
                log.info("reload_requested", [:])
                server.reloadCertificates()
                server.reloadEvent()
                server.reloadTurnSecret()
            case .terminate:
                server.shutdown()
                return
            }
        }
    }
}
