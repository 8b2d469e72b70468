import Testing
@testable import WebSocket

@Test func WebSocketModuleLinks() { #expect(Bool(true)) }
