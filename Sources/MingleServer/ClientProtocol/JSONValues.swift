import Foundation

/// Typed reads from JSONSerialization output. Foundation hands back numbers and booleans as
/// NSNumber, and `1 as? Bool` succeeds, so booleans are told apart by their objCType ('c').
enum JSONValues {
    static func isBool(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return n.objCType.pointee == 99
    }

    /// An integer (not a boolean, not a fraction).
    static func int(_ value: Any?) -> Int? {
        guard let value, !isBool(value), let n = value as? NSNumber else { return nil }
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else { return nil }
        return Int(d)
    }

    /// A finite number (not a boolean).
    static func double(_ value: Any?) -> Double? {
        guard let value, !isBool(value), let n = value as? NSNumber, n.doubleValue.isFinite else { return nil }
        return n.doubleValue
    }
}
