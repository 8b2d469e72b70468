/// A wall-clock instant: milliseconds since the Unix epoch (UTC).
///
/// The schedule of an event is written in wall time, so the engine reasons in wall time too; the caller
/// reads the clock and passes `now` in. Arithmetic is in whole milliseconds so replays are exact.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }
    public init(secondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = secondsSinceEpoch * 1000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
    public func adding(seconds: Int) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64(seconds) * 1000)
    }
    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }
    /// Milliseconds from `self` until `later` (negative if `later` is earlier).
    public func milliseconds(until later: Timestamp) -> Int64 {
        later.millisecondsSinceEpoch - millisecondsSinceEpoch
    }
    public var description: String { "t\(millisecondsSinceEpoch)ms" }
}

/// An attendee, numbered by the engine in registration order (1, 2, 3...). Dense numbers let the engine keep
/// attendees in an array and pack a pair of them into one `UInt64`.
public struct AttendeeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: AttendeeID, rhs: AttendeeID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "a\(rawValue)" }
}

/// A breakout (one group in one round), numbered by the engine from 1 across the whole event.
public struct BreakoutID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: BreakoutID, rhs: BreakoutID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "b\(rawValue)" }
}

/// A session of the event plan, as named by the organiser (`"keynote"`).
public struct SessionID: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// A room of the event (`"workshop-a"`): a URL-safe identifier from the event file. Rooms run their
/// sessions and mingling in parallel; attendees are in at most one room at a time.
public struct RoomID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public static func < (lhs: RoomID, rhs: RoomID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
    /// The one room of an event file written without `rooms` (top-level `sessions`), and the room of journal
    /// lines written before rooms existed.
    public static let single: RoomID = "main"
}

/// An unordered pair of attendees packed into one word: the smaller number in the high half.
/// Pair history and blocks are sets of these, so "have they met?" is one hash lookup.
@usableFromInline
func pairKey(_ a: AttendeeID, _ b: AttendeeID) -> UInt64 {
    let (low, high) = a.rawValue < b.rawValue ? (a.rawValue, b.rawValue) : (b.rawValue, a.rawValue)
    return UInt64(low) << 32 | UInt64(high)
}

/// A directed pair (`from` asked about `to`), used for one-sided requests such as "stay in touch".
@usableFromInline
func directedKey(from: AttendeeID, to: AttendeeID) -> UInt64 {
    UInt64(from.rawValue) << 32 | UInt64(to.rawValue)
}
