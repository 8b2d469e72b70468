#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import EventLoop

/// Peer addresses as the connection log and the admin pages show them, from what `accept` returns.
@Suite struct SocketAddressTests {
    static func storage(_ address: SocketAddress) -> sockaddr_storage {
        var storage = sockaddr_storage()
        address.withSockAddr { pointer, length in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: Int(length))) }
        }
        return storage
    }

    @Test func anAcceptedAddressReadsBackAsTheSameTextAndPort() throws {
        for (host, text) in [("127.0.0.1", "127.0.0.1"), ("203.0.113.255", "203.0.113.255"), ("::1", "::1"),
                             ("2001:db8::8:800:200c:417a", "2001:db8::8:800:200c:417a"), ("[fe80::1]", "fe80::1")] {
            let parsed = try #require(SocketAddress(host: host, port: 40_001))
            let accepted = try #require(SocketAddress(storage: Self.storage(parsed)))
            #expect(accepted == parsed)
            #expect(accepted.hostText == text)
            #expect(accepted.port == 40_001)
        }
    }

    @Test func anIPv4MappedPeerIsShownAsPlainIPv4() throws {
        let mapped = try #require(SocketAddress(host: "::ffff:198.51.100.7", port: 443))
        #expect(mapped.isIPv6)
        let accepted = try #require(SocketAddress(storage: Self.storage(mapped)))
        #expect(!accepted.isIPv6)
        #expect(accepted == SocketAddress(host: "198.51.100.7", port: 443))
        #expect(accepted.description == "198.51.100.7:443")
    }

    @Test func aTextThatIsNoAddressIsRefused() {
        #expect(SocketAddress(host: "localhost", port: 1) == nil)
        #expect(SocketAddress(host: "1.2.3", port: 1) == nil)
        #expect(SocketAddress(host: "::g", port: 1) == nil)
    }
}
