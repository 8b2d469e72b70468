import Testing
@testable import HTTP1

@Test func HTTP1ModuleLinks() { #expect(Bool(true)) }
