#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// An IPv4 or IPv6 socket address, parsed from and printed as text.
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(host: [UInt8], port: UInt16)
    case v6(host: [UInt8], port: UInt16)

    /// Parses a numeric host ("127.0.0.1", "::1", "0.0.0.0", "::") and a port.
    public init?(host: String, port: UInt16) {
        var a4 = in_addr()
        if inet_pton(AF_INET, host, &a4) == 1 {
            self = .v4(host: withUnsafeBytes(of: a4) { Array($0) }, port: port)
            return
        }
        var a6 = in6_addr()
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if inet_pton(AF_INET6, trimmed, &a6) == 1 {
            self = .v6(host: withUnsafeBytes(of: a6) { Array($0) }, port: port)
            return
        }
        return nil
    }

    public var port: UInt16 {
        switch self { case .v4(_, let p), .v6(_, let p): return p }
    }

    public var isIPv6: Bool { if case .v6 = self { return true } else { return false } }

    /// The host part as text, without brackets.
    public var hostText: String {
        switch self {
        case .v4(let bytes, _):
            return bytes.map(String.init).joined(separator: ".")
        case .v6(let bytes, _):
            var a6 = in6_addr()
            withUnsafeMutableBytes(of: &a6) { $0.copyBytes(from: bytes) }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &a6, &buf, socklen_t(buf.count))
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    public var description: String {
        isIPv6 ? "[\(hostText)]:\(port)" : "\(hostText):\(port)"
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch self {
        case .v4(let bytes, let port):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let bytes, let port):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    init?(storage: sockaddr_storage) {
        var s = storage
        switch Int32(s.ss_family) {
        case AF_INET:
            let sin = withUnsafeBytes(of: &s) { $0.load(as: sockaddr_in.self) }
            self = .v4(host: withUnsafeBytes(of: sin.sin_addr) { Array($0) }, port: UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            let sin6 = withUnsafeBytes(of: &s) { $0.load(as: sockaddr_in6.self) }
            let bytes = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
            // Show IPv4-mapped addresses (::ffff:a.b.c.d) as plain IPv4.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                self = .v4(host: Array(bytes[12..<16]), port: UInt16(bigEndian: sin6.sin6_port))
            } else {
                self = .v6(host: bytes, port: UInt16(bigEndian: sin6.sin6_port))
            }
        default:
            return nil
        }
    }

    var family: Int32 { isIPv6 ? AF_INET6 : AF_INET }
}
