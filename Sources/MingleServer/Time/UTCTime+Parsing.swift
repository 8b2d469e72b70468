import Mingling

/// Parses the one date-time form the event file accepts, RFC 3339 §5.6 with a mandatory offset:
///
///     2026-10-13T09:30:00+02:00     2026-10-13T09:30+02:00     2026-10-13T07:30:00Z
///
/// An offset is required because a session time without one is ambiguous across the time zones of
/// attendees; fractional seconds are not accepted (nobody schedules a session to the millisecond).
extension UTCTime {
    static func parseRFC3339(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ digits: Int) -> Int? {
            guard position + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + digits)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            position += digits
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
              expect(0x54) || expect(0x74), let hour = number(2), expect(0x3A), let minute = number(2)
        else { return nil }
        var second = 0
        if expect(0x3A) {
            guard let parsed = number(2) else { return nil }
            second = parsed
        }
        var offsetMinutes = 0
        if expect(0x5A) || expect(0x7A) {
            offsetMinutes = 0
        } else {
            let sign: Int
            if expect(0x2B) { sign = 1 } else if expect(0x2D) { sign = -1 } else { return nil }
            guard let offsetHours = number(2), expect(0x3A), let offsetMinute = number(2),
                  offsetHours <= 14, offsetMinute <= 59
            else { return nil }
            offsetMinutes = sign * (offsetHours * 60 + offsetMinute)
        }
        guard position == bytes.count, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return Timestamp(secondsSinceEpoch: seconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant, "chrono-compatible low-level
    /// date algorithms", days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// "20261130T091502Z" -> the time it names.
    static func parseCompact(_ s: String) -> Timestamp? {
        let b = Array(s.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? { Int(String(decoding: b[r], as: UTF8.self)) }
        guard let y = num(0..<4), let m = num(4..<6), let d = num(6..<8), let hh = num(9..<11), let mm = num(11..<13),
              let ss = num(13..<15), (1...12).contains(m), (1...31).contains(d) else { return nil }
        let days = daysFromCivil(year: y, month: m, day: d)
        return Timestamp(secondsSinceEpoch: Int64(days) * 86_400 + Int64(hh * 3600 + mm * 60 + ss))
    }
}

extension UTCTime {
    /// The inverse of `format`: "2026-11-30T09:12:03.114Z" (the connection log's `time`).
    static func parseFormatted(_ text: Substring) -> Timestamp? {
        var text = String(text)
        return text.withUTF8 { parseFormatted(UnsafeRawBufferPointer($0)) }
    }

    /// `parseFormatted` on bytes, without allocating (a start reads every line of the day's log).
    static func parseFormatted(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A,
              b[19] == 0x2E, b[23] == 0x5A else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
              let minute = digits(14, 2), let second = digits(17, 2), let milliseconds = digits(20, 3),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + Int64(milliseconds))
    }
}
