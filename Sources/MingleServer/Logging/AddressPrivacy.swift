#if canImport(Glibc)
import Glibc
#endif
import Mingling
import TLS

/// How client addresses appear in logs, per the event's `privacy.ipLogging`:
/// `full` as is; `truncated` with the last IPv4 octet or the last 80 IPv6 bits zeroed;
/// `hashed` as a keyed hash whose key is random, kept only in memory and replaced every UTC
/// day (the same address maps to the same value within a day, so abuse can be correlated, but
/// nobody, the operator included, can reverse it or link days); `off` not at all.
struct AddressPrivacy {
    var mode: IPLogging
    private var salt: [UInt8] = []
    private var saltDay: Int64 = .min
    private let makeSalt: () -> [UInt8]

    init(mode: IPLogging, makeSalt: @escaping () -> [UInt8] = { SecureRandom.bytes(32) }) {
        self.mode = mode
        self.makeSalt = makeSalt
    }

    mutating func show(_ address: String, at now: Timestamp) -> String? {
        switch mode {
        case .full: return address
        case .off: return nil
        case .truncated: return Self.truncate(address)
        case .hashed:
            let day = UTCTime.day(now)
            if day != saltDay {
                salt = makeSalt()
                saltDay = day
            }
            let digest = HMACSHA256.authenticate(Array(address.utf8), key: salt)
            return "h:" + digest.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// 203.0.113.57 -> 203.0.113.0; 2001:db8:1:2:3:4:5:6 -> 2001:db8:1::. Not an address -> "invalid".
    static func truncate(_ address: String) -> String {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1, let lastDot = address.utf8.lastIndex(of: UInt8(ascii: ".")) {
            // inet_pton took it, so it is four decimal octets without leading zeros: keep the first three.
            return String(address[..<lastDot]) + ".0"
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            withUnsafeMutableBytes(of: &v6) { raw in
                for i in 6..<16 { raw[i] = 0 }
            }
            var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            _ = inet_ntop(AF_INET6, &v6, &out, socklen_t(out.count))
            return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return "invalid"
    }
}
