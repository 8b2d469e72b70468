import FlyingFox
import Foundation

// Usage: FlyingFoxEcho PORT
// A WebSocket echo server on every path: FlyingFox hands the inbound message stream back as the
// outbound one.
struct Echo: WSMessageHandler {
    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> { client }
}

let port = UInt16(CommandLine.arguments.dropFirst().first ?? "") ?? 0
let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 3600)
await server.appendRoute("GET *", to: .webSocket(Echo()))
Task {
    try await server.waitUntilListening()
    let p: UInt16
    if case .ip4(_, let bound)? = await server.listeningAddress { p = bound } else { p = port }
    print("listening port=\(p)")
    fflush(stdout)
}
try await server.run()
