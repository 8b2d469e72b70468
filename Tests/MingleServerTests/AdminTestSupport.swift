import Foundation
import MingleTestSupport
@testable import MingleServer

/// A server with a running session (manual mingling in pairs) and a known admin token.
enum AdminFixture {
    static let token = "admin-test-token-0123456789"

    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    static func eventJSON(ipLogging: String = "truncated") -> String {
        let now = Date()
        return """
        {
          "event": { "id": "e1", "name": "Admin test event", "timeZone": "Europe/Oslo" },
          "attributes": [ { "id": "region", "label": "Region", "required": true, "values": [
            { "id": "viken", "label": "Viken" }, { "id": "madrid", "label": "Madrid" } ] } ],
          "sessions": [
            { "id": "s1", "title": "Now", "start": "\(iso(now.addingTimeInterval(-1800)))", "end": "\(iso(now.addingTimeInterval(3600)))",
              "mingle": { "rounds": 3, "roundSeconds": 300, "groupSize": 2, "pairBy": "region", "policy": "mix", "start": "manual" } }
          ],
          "access": { "mode": "open" },
          "privacy": { "retentionDays": 30, "ipLogging": "\(ipLogging)" }
        }
        """
    }

    static func server(ipLogging: String = "truncated", configure: (inout ServerSettings) -> Void = { _ in }) throws -> TestServer {
        var eventPath = ""
        let s = try TestServer(echo: true) { settings in
            eventPath = (settings.stateDirectory as NSString).deletingLastPathComponent + "/event.json"
            _ = FileManager.default.createFile(atPath: eventPath, contents: Data(eventJSON(ipLogging: ipLogging).utf8))
            settings.eventConfigPath = eventPath
            settings.adminToken = token
            configure(&settings)
        }
        return s
    }
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`).
struct HTTPExchange {
    let status: Int
    let head: String
    let body: String

    static func send(port: UInt16, _ method: String, _ path: String, headers: [String] = [], body: String = "") throws -> HTTPExchange {
        let c = try BlockingClient(port: port)
        defer { c.close() }
        var r = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for h in headers { r += h + "\r\n" }
        if !body.isEmpty || method == "POST" { r += "Content-Length: \(body.utf8.count)\r\n" }
        try c.send(r + "\r\n" + body)
        let text = String(decoding: try c.receiveUntilClose(), as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return HTTPExchange(status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == name.lowercased() { return kv[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}

/// A scripted attendee on `/ws`.
final class TestAttendee {
    let ws: TestWebSocket
    let client: BlockingClient
    var id = 0

    init(port: UInt16, name: String, region: String, room: String? = nil) throws {
        client = try BlockingClient(port: port)
        ws = TestWebSocket(stream: client)
        let head = try ws.open(path: "/ws", extraHeaders: ["Origin: http://127.0.0.1"])
        guard head.hasPrefix("HTTP/1.1 101") else { throw TestFailure(description: "no upgrade: \(head)") }
        let roomField = room.map { ",\"room\":\"\($0)\"" } ?? ""
        try ws.send(.text("{\"type\":\"join\",\"name\":\"\(name)\",\"attributes\":{\"region\":\"\(region)\"}\(roomField)}"))
        id = (try expect("welcome")["attendee"] as? [String: Any])?["id"] as? Int ?? 0
    }

    /// An open socket on which `join` was sent with `extra` fields; its answer is the caller's to read.
    private init(port: UInt16, joinJSON: String) throws {
        client = try BlockingClient(port: port)
        ws = TestWebSocket(stream: client)
        let head = try ws.open(path: "/ws", extraHeaders: ["Origin: http://127.0.0.1"])
        guard head.hasPrefix("HTTP/1.1 101") else { throw TestFailure(description: "no upgrade: \(head)") }
        try ws.send(.text(joinJSON))
    }

    static func resuming(port: UInt16, token: String) throws -> TestAttendee {
        try TestAttendee(port: port, joinJSON: "{\"type\":\"resume\",\"token\":\"\(token)\"}")
    }

    static func joining(port: UInt16, name: String, region: String, extra: String = "") throws -> TestAttendee {
        try TestAttendee(port: port, joinJSON: "{\"type\":\"join\",\"name\":\"\(name)\",\"attributes\":{\"region\":\"\(region)\"}\(extra)}")
    }

    func send(_ json: String) throws { try ws.send(.text(json)) }

    /// The next message of `type` (others are skipped).
    func expect(_ type: String) throws -> [String: Any] {
        while let f = try ws.receiveFrame() {
            guard f.opcode == 1, let m = try? JSONSerialization.jsonObject(with: Data(f.payload)) as? [String: Any] else { continue }
            if m["type"] as? String == type { return m }
        }
        throw TestFailure(description: "socket ended before \(type)")
    }
}

struct TestFailure: Error, CustomStringConvertible { let description: String }
