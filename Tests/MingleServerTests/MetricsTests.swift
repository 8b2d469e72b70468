import Foundation
import MingleTestSupport
import Testing
@testable import MingleServer

/// `/metrics`: the Prometheus text format, checked by our own rules and by `promtool check
/// metrics` when it is installed (Debian's `prometheus` package).
@Suite struct MetricsTests {
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func scrape(_ s: TestServer) throws -> HTTPExchange {
        try HTTPExchange.send(port: s.port, "GET", "/metrics", headers: ["Authorization: Bearer \(AdminFixture.token)"])
    }

    @Test func everyFamilyHasHelpAndTypeAndCountersEndInTotal() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        let anna = try TestAttendee(port: s.port, name: "Anna", region: "viken")
        let r = try withExtendedLifetime(anna) { try scrape(s) }
        #expect(r.status == 200 && r.header("Content-Type") == PrometheusText.contentType)
        var help: Set<String> = [], type: [String: String] = [:]
        var sampled: Set<String> = []
        for line in r.body.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if line.hasPrefix("# HELP ") { help.insert(String(parts[2])) } else if line.hasPrefix("# TYPE ") {
                #expect(type[String(parts[2])] == nil, "one TYPE per family")
                type[String(parts[2])] = String(parts[3])
            } else {
                var name = String(line.prefix { $0 != "{" && $0 != " " })
                for suffix in ["_bucket", "_sum", "_count"] where type[name] == nil && name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
                #expect(type[name] != nil, "\(name) sampled before its TYPE")
                sampled.insert(name)
            }
        }
        #expect(help == Set(type.keys) && sampled == Set(type.keys))
        for (name, kind) in type where kind == "counter" { #expect(name.hasSuffix("_total"), "\(name)") }
        #expect(r.body.contains("mingle_attendees{state=\"connected\"} 1"))
        #expect(r.body.contains("mingle_attendees_by_attribute{attribute=\"region\",value=\"viken\"} 1"))
        #expect(r.body.contains("mingle_event_loop_lag_seconds_bucket{le=\"+Inf\"}"))
        #expect(r.body.contains("mingle_process_resident_memory_bytes "))
    }

    @Test(.enabled(if: MetricsTests.promtool != nil, "promtool is not installed"))
    func promtoolAcceptsTheOutput() throws {
        let s = try AdminFixture.server()
        defer { s.stop() }
        _ = try TestAttendee(port: s.port, name: "P", region: "madrid")
        let body = try scrape(s).body
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.promtool!)
        p.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "promtool: \(said)")
    }

    @Test func publicMetricsWhenConfiguredAndEscaping() throws {
        let s = try AdminFixture.server { $0.metricsPublic = true }
        defer { s.stop() }
        #expect(try HTTPExchange.send(port: s.port, "GET", "/metrics").status == 200)
        #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        #expect(PrometheusText.format(0.25) == "0.25" && PrometheusText.format(3) == "3" && PrometheusText.format(.infinity) == "+Inf")
    }

    @Test func loopLagPercentile() {
        let r = LoopLagRecorder()
        for ms in 1...100 { r.record(.milliseconds(ms)) }
        #expect(r.recentP99Milliseconds == 99)
        let h = r.histogram
        #expect(h.count == 100 && h.cumulative.last == 100 && h.cumulative[0] == 1)
        #expect(ProcessMemory.residentBytes().map { $0 > 1 << 20 } ?? true)
    }
}
