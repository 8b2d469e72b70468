import Testing
@testable import Mingling

@Test func MinglingModuleLinks() { #expect(Bool(true)) }
