import Testing
@testable import MingleServer

@Test func MingleServerModuleLinks() { #expect(Bool(true)) }
