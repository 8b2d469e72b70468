import Testing
@testable import TLS

@Test func TLSModuleLinks() { #expect(Bool(true)) }
