import ArgumentParser
import BenchClient
import EventLoop

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mingle-bench",
        abstract: "WebSocket load generator for Mingle and its peers (127.0.0.1 only).",
        discussion: """
        Progress goes to stderr; the last line on stdout is one JSON object with the results.
        Every run is bounded: --duration (and --warmup) seconds, plus at most --timeout seconds for setup.
        """,
        subcommands: [Echo.self, Idle.self, Handshake.self, Attendees.self, Pairing.self])
}

/// Options every scenario shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Server port on 127.0.0.1.") var port: UInt16
    @Option(help: "Loopback address of the server (must be in 127.0.0.0/8).") var host = "127.0.0.1"
    @Flag(help: "Use TLS (wss).") var tls = false
    @Option(help: "WebSocket path.") var path = "/echo"
    @Option(help: "PID of the server, to read its RSS and CPU time from /proc.") var serverPid: Int32?
    @Option(help: "Source addresses 127.0.0.1..127.0.0.N to spread connections over.") var sources = 1
    @Option(help: "Measured seconds.") var duration: Double = 5
    @Option(help: "Seconds of load before measuring.") var warmup: Double = 1
    @Option(help: "Seconds allowed for connecting before the run gives up.") var timeout: Double = 60
    @Option(help: "Label copied into the JSON result.") var label = ""

    func validated() throws -> BenchTarget {
        guard host.hasPrefix("127."), let address = SocketAddress(host: host, port: port) else {
            throw ValidationError("--host must be a numeric 127.x.y.z address")
        }
        guard (1...250).contains(sources) else { throw ValidationError("--sources must be 1...250") }
        guard duration > 0, duration <= 600, warmup >= 0, warmup <= 60 else {
            throw ValidationError("--duration must be in (0, 600] and --warmup in [0, 60]")
        }
        let sourceAddresses = (0..<sources).map { SocketAddress(host: "127.0.0.\($0 + 1)", port: 0)! }
        return BenchTarget(address: address, tls: tls, path: path, serverPid: serverPid,
                           sources: sources > 1 ? sourceAddresses : [], duration: .milliseconds(Int64(duration * 1000)),
                           warmup: .milliseconds(Int64(warmup * 1000)), timeout: .milliseconds(Int64(timeout * 1000)),
                           label: label, hostHeader: "\(host):\(port)")
    }
}

/// The validated common options, Sendable so they can cross to the loop thread.
struct BenchTarget: Sendable {
    let address: SocketAddress
    let tls: Bool
    let path: String
    let serverPid: Int32?
    let sources: [SocketAddress]
    let duration: Duration
    let warmup: Duration
    let timeout: Duration
    let label: String
    let hostHeader: String

    func source(for i: Int) -> SocketAddress? { sources.isEmpty ? nil : sources[i % sources.count] }
    var proc: ProcStats? { serverPid.map(ProcStats.init(pid:)) }

    func clientOptions(tls context: ClientTLSContext?) -> WSClientOptions {
        var o = WSClientOptions()
        o.path = path
        o.hostHeader = hostHeader
        o.tls = context
        return o
    }
}
