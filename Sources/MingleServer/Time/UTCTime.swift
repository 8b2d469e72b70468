import Mingling

/// The one UTC time formatter: log lines (the server log and the connection log), rotated file
/// names and day numbers all come from here; the event file's RFC 3339 times are parsed in
/// `UTCTime+Parsing.swift` with the same calendar arithmetic.
enum UTCTime {
    /// "2026-11-30T09:15:02.123Z"
    static func format(_ t: Timestamp) -> String {
        // Every connection-log line starts with one: written digit by digit into 24 bytes
        // (string interpolation of padded parts was a sixth of the log's encoding cost).
        let c = civil(t)
        guard (0...9999).contains(c.year) else {
            let (date, time, ms) = parts(t)
            return "\(date)T\(time).\(pad(ms, 3))Z"
        }
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int, _ width: Int, at index: Int) {
                var v = value
                for i in stride(from: index + width - 1, through: index, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(c.year, 4, at: 0); out[4] = UInt8(ascii: "-")
            put(c.month, 2, at: 5); out[7] = UInt8(ascii: "-")
            put(c.day, 2, at: 8); out[10] = UInt8(ascii: "T")
            put(c.secondOfDay / 3600, 2, at: 11); out[13] = UInt8(ascii: ":")
            put(c.secondOfDay / 60 % 60, 2, at: 14); out[16] = UInt8(ascii: ":")
            put(c.secondOfDay % 60, 2, at: 17); out[19] = UInt8(ascii: ".")
            put(c.millisecond, 3, at: 20); out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// "20261130T091502Z", for rotated file names (sorts by time).
    static func compact(_ t: Timestamp) -> String {
        let (date, time, _) = parts(t)
        return date.replacingOccurrences(of: "-", with: "") + "T" + time.replacingOccurrences(of: ":", with: "") + "Z"
    }

    /// Days since 1970-01-01 (UTC).
    static func day(_ t: Timestamp) -> Int64 {
        t.millisecondsSinceEpoch >= 0 ? t.millisecondsSinceEpoch / 86_400_000 : (t.millisecondsSinceEpoch - 86_399_999) / 86_400_000
    }

    private static func civil(_ t: Timestamp) -> (year: Int, month: Int, day: Int, secondOfDay: Int, millisecond: Int) {
        let ms = Int(((t.millisecondsSinceEpoch % 1000) + 1000) % 1000)
        let seconds = (t.millisecondsSinceEpoch - Int64(ms)) / 1000
        let days = day(t)
        let secondOfDay = Int(seconds - days * 86_400)
        // Civil date from days (H. Hinnant, "chrono-compatible low-level date algorithms", civil_from_days).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d), secondOfDay, ms)
    }

    private static func parts(_ t: Timestamp) -> (String, String, Int) {
        let c = civil(t)
        let date = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
        let time = "\(pad(c.secondOfDay / 3600, 2)):\(pad(c.secondOfDay / 60 % 60, 2)):\(pad(c.secondOfDay % 60, 2))"
        return (date, time, c.millisecond)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
