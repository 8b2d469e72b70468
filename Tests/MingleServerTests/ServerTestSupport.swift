import Foundation
import MingleTestSupport
@testable import MingleServer

/// A temporary directory removed when the value is dropped.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "mingle-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Starts a server on 127.0.0.1 with an ephemeral port; logs are collected, not printed.
final class TestServer {
    let server: Server
    let directory: TemporaryDirectory
    let certificates: TestCertificates.Paths?
    let logLines = LogCollector()
    let settings: ServerSettings

    /// A new server on the same settings, state directory and port (after `stop()`).
    func restart() throws -> TestServer { try TestServer(restarting: self) }

    private init(restarting old: TestServer) throws {
        directory = old.directory
        certificates = old.certificates
        var settings = old.settings
        settings.port = old.port
        self.settings = settings
        let collector = logLines
        server = try Server(settings: settings, log: Log(format: .text, minimumLevel: .debug, sink: { collector.append($0) }))
    }

    init(tls: Bool = false, echo: Bool = true, withEvent: Bool = false,
         configure: (inout ServerSettings) -> Void = { _ in }) throws {
        directory = TemporaryDirectory()
        var settings = ServerSettings()
        settings.eventConfigPath = nil
        settings.stateDirectory = directory.path + "/var"
        if withEvent {
            let path = directory.path + "/event.json"
            try Self.minimalEvent.write(toFile: path, atomically: true, encoding: .utf8)
            settings.eventConfigPath = path
        }
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.loops = 1
        settings.echoEndpoint = echo
        settings.plain = !tls
        // Journal, secret and connection log stay in the test's own directory.
        settings.stateDirectory = directory.path + "/var"
        if tls {
            let paths = try TestCertificates.make(directory: directory.path)
            certificates = paths
            settings.certificatePath = paths.certPath
            settings.privateKeyPath = paths.keyPath
        } else {
            certificates = nil
        }
        configure(&settings)
        self.settings = settings
        let collector = logLines
        server = try Server(settings: settings, log: Log(format: .text, minimumLevel: .debug, sink: { collector.append($0) }))
    }

    var port: UInt16 { server.port }

    /// One far-future session with manual mingling: nothing happens unless a test asks.
    static let minimalEvent = """
    {
      "event": {"id": "t", "name": "Test", "timeZone": "Europe/Oslo"},
      "attributes": [{"id": "region", "label": "Region", "required": true,
                      "values": [{"id": "viken", "label": "Viken"}, {"id": "madrid", "label": "Madrid"}]}],
      "sessions": [{"id": "s1", "title": "S1", "start": "2030-01-01T09:00:00+00:00", "end": "2030-01-01T10:00:00+00:00",
                    "mingle": {"rounds": 1, "roundSeconds": 60, "groupSize": 2, "pairBy": "region", "policy": "mix",
                               "start": "manual"}}],
      "access": {"mode": "open"},
      "iceServers": [],
      "privacy": {"retentionDays": 30, "ipLogging": "truncated"}
    }
    """

    func stop() { server.shutdown(grace: .seconds(2)) }
}

final class LogCollector: Sendable {
    private let lines = MutexBox<[String]>([])
    func append(_ line: String) { lines.with { $0.append(line) } }
    var all: [String] { lines.with { $0 } }
}
