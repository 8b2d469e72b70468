import Testing
@testable import EventLoop

@Test func EventLoopModuleLinks() { #expect(Bool(true)) }
