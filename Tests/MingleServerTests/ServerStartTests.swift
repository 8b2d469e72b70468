#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MingleTestSupport
import Testing
@testable import EventLoop
@testable import MingleServer

/// What a start must own and load before it serves anyone: the port, the state directory and the
/// web files; each refusal is one sentence that says what is wrong. And a socket handed over by a
/// service manager is served, and outlives the server (a restart refuses nobody).
@Suite struct ServerStartTests {
    static func startError(_ settings: ServerSettings, sockets: Server.HandedOverSockets = .none) -> String? {
        do {
            let server = try Server(settings: settings, log: Log(format: .text, minimumLevel: .error, sink: { _ in }), sockets: sockets)
            server.shutdown(grace: .seconds(1))
            return nil
        } catch {
            return error.description
        }
    }

    /// A listening socket on 127.0.0.1 that the test holds, as systemd holds the .socket unit's.
    static func heldListener() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let bound = SocketAddress(host: "127.0.0.1", port: 0)!.withSockAddr { bind(fd, $0, $1) }
        guard fd >= 0, bound == 0, listen(fd, 128) == 0 else { throw SystemError("bind", errno: errno) }
        return (fd, try ListeningSocket.boundPort(fd))
    }

    @Test func aPortInUseIsRefusedNamingThePort() throws {
        let first = try TestServer()
        defer { first.stop() }
        let other = TemporaryDirectory()
        var settings = first.settings
        settings.port = first.port
        settings.loops = 2
        settings.stateDirectory = other.path + "/var"
        #expect(Self.startError(settings) == "port \(first.port) is already in use (127.0.0.1:\(first.port) is held by another "
                + "process; stop it or choose another --port)")
        // The first server still answers.
        let c = try BlockingClient(port: first.port)
        try c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(String(decoding: try c.receiveUntilClose(), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
    }

    @Test func aStateDirectoryInUseIsRefusedNamingItAndItsHolder() throws {
        let first = try TestServer(withEvent: true)
        var settings = first.settings
        settings.port = 0
        let refusal = try #require(Self.startError(settings))
        let directory = first.settings.stateDirectory
        #expect(refusal == "the state directory \(directory) is in use by another server in this process (pid \(getpid())): one server "
                + "per state directory (\(directory)/mingle.lock is locked); stop that server or use another --state-dir")
        #expect(!first.logLines.all.contains { $0.contains("ERROR") }, "the running server noticed nothing")
        first.stop()
        // Released at shutdown: the same directory starts again.
        try first.restart().stop()
    }

    @Test func webFilesThatCannotBeLoadedStopTheStart() throws {
        let dir = TemporaryDirectory()
        var settings = ServerSettings()
        settings.eventConfigPath = nil
        settings.plain = true
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.loops = 1
        settings.stateDirectory = dir.path + "/var"
        settings.publicDirectory = dir.path + "/absent"
        #expect(Self.startError(settings)?.hasPrefix("the web files cannot be loaded from \(dir.path)/absent: static files: cannot read") == true)
        try FileManager.default.createDirectory(atPath: dir.path + "/empty", withIntermediateDirectories: true)
        settings.publicDirectory = dir.path + "/empty"
        #expect(Self.startError(settings) == "the web files in \(dir.path)/empty have no index.html (publicDirectory must name a copy "
                + "of Sources/MingleServer/Public)")
        // The built-in copy is found beside the test binary, as it is beside `mingle`.
        settings.publicDirectory = nil
        #expect(Self.startError(settings) == nil)
        #expect(StaticFiles.bundledPublicDirectory()?.hasSuffix("/Mingle_MingleServer.resources/Public") == true)
    }

    /// The in-process version of scripts/abuse/activation.py: a socket the test holds (as systemd
    /// does) is served by a server, outlives it, and queues what arrives until the next one serves it.
    @Test func aHandedOverSocketIsServedAndOutlivesTheServer() throws {
        let held = try Self.heldListener()
        defer { close(held.fd) }
        let sockets = Server.HandedOverSockets(sockets: try SocketActivation.adopt(held.fd..<(held.fd + 1)))
        let dir = TemporaryDirectory()
        var settings = ServerSettings()
        settings.eventConfigPath = nil
        settings.plain = true
        settings.host = "127.0.0.1"
        settings.port = 1  // not used: the handed-over socket is
        settings.loops = 2
        settings.stateDirectory = dir.path + "/var"
        let log = Log(format: .text, minimumLevel: .error, sink: { _ in })
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let first = try Server(settings: settings, log: log, sockets: sockets)
        #expect(first.port == held.port)
        let c = try BlockingClient(port: held.port)
        try c.send(request)
        #expect(String(decoding: try c.receiveUntilClose(), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        first.shutdown(grace: .seconds(1))

        let waiting = try (0..<8).map { _ in try BlockingClient(port: held.port) }
        for w in waiting { try w.send(request) }
        let second = try Server(settings: settings, log: log, sockets: sockets)
        defer { second.shutdown(grace: .seconds(1)) }
        for w in waiting {
            #expect(String(decoding: try w.receiveUntilClose(), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
    }
}
