import Foundation
import Mingling
import TLS

/// One short-lived TURN credential as the browser uses it (an `RTCIceServer`), with its expiry.
struct TurnCredential: Sendable, Equatable {
    var urls: [String]
    /// `<unix expiry>:<pseudonym>`.
    var username: String
    /// `base64(HMAC-SHA1(secret, username))`.
    var credential: String
    var expiresAt: Timestamp
}

/// Issues TURN REST API credentials (draft-uberti-behave-turn-rest-00, as coturn's `use-auth-secret` checks
/// them): `username = "<unix expiry>:<pseudonym>"`, `credential = base64(HMAC-SHA1(secret, username))`.
/// Pure: the time comes in. The pseudonym is a keyed hash of the attendee id under the server secret, so the
/// TURN server's logs name nobody, the same attendee has the same pseudonym across renewals and restarts
/// (an operator can correlate abuse), and nobody without Mingle's state directory can link it to an attendee.
struct TurnCredentials: Sendable, CustomStringConvertible {
    let urls: [String]
    let lifetimeSeconds: Int
    private(set) var secret: [UInt8]
    private let pseudonymKey: [UInt8]

    init(urls: [String], secret: [UInt8], lifetimeSeconds: Int, serverSecret: [UInt8]) {
        self.urls = urls
        self.secret = secret
        self.lifetimeSeconds = lifetimeSeconds
        pseudonymKey = HMACSHA256.authenticate(Array("turn-username".utf8), key: serverSecret)
    }

    mutating func replaceSecret(_ newSecret: [UInt8]) { secret = newSecret }

    /// Never the secret, whoever interpolates this into a log line.
    var description: String { "TurnCredentials(urls: \(urls), lifetimeSeconds: \(lifetimeSeconds), secret: <redacted>)" }

    func pseudonym(_ id: AttendeeID) -> String {
        let mac = HMACSHA256.authenticate(Array("attendee:\(id.rawValue)".utf8), key: pseudonymKey)
        return "m" + mac.prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    func issue(for id: AttendeeID, now: Timestamp) -> TurnCredential {
        let expiry = now.millisecondsSinceEpoch / 1000 + Int64(lifetimeSeconds)
        let username = "\(expiry):\(pseudonym(id))"
        return TurnCredential(urls: urls, username: username, credential: Self.credential(username: username, secret: secret),
                              expiresAt: Timestamp(millisecondsSinceEpoch: expiry * 1000))
    }

    static func credential(username: String, secret: [UInt8]) -> String {
        Data(HMACSHA1.authenticate(Array(username.utf8), key: secret)).base64EncodedString()
    }

    /// When a credential issued at `issuedAt` should be replaced: at three quarters of its life, so the new one
    /// is in the browser long before the old one stops working for new allocations (ICE restarts, a late peer).
    func renewal(issuedAt: Timestamp) -> Timestamp {
        issuedAt.adding(milliseconds: Int64(lifetimeSeconds) * 750)
    }
}

/// Who holds a credential that needs renewing, and when. Pure bookkeeping for the hub, which renews only for
/// attendees still connected and in a breakout when their time comes (and forgets the others then).
struct TurnRenewals: Sendable, Equatable {
    private(set) var due: [AttendeeID: Timestamp] = [:]

    mutating func issued(to id: AttendeeID, renewAt: Timestamp) { due[id] = renewAt }
    mutating func forget(_ id: AttendeeID) { due[id] = nil }

    /// Everyone whose renewal time has come, in id order.
    func dueNow(_ now: Timestamp) -> [AttendeeID] {
        due.filter { $0.value <= now }.map(\.key).sorted { $0.rawValue < $1.rawValue }
    }

    var holders: [AttendeeID] { due.keys.sorted { $0.rawValue < $1.rawValue } }
    var nextDeadline: Timestamp? { due.values.min() }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
