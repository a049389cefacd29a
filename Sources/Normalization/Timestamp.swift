/// A point in time as whole seconds since the Unix epoch, UTC. Sub-second precision is
/// deliberately dropped: events must be byte-identical across replays.
///
/// Defined here (not in `Articles`) so that date parsing can produce it; `Articles` re-exports it.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var secondsSinceEpoch: Int64
    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil).
public enum CivilDate {
    /// Days since 1970-01-01 of a civil date.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Civil date of a day count since 1970-01-01.
    public static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// RFC 3339 formatting.
public enum RFC3339 {
    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    public static func format(_ t: Timestamp) -> String {
        let s = t.secondsSinceEpoch
        var days = s / 86_400
        var rem = s % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = CivilDate.civil(days: days)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func put(_ v: Int64, _ width: Int) {
            var digits: [UInt8] = []
            var x = v < 0 ? -v : v
            for _ in 0..<width { digits.append(UInt8(48 + x % 10)); x /= 10 }
            out.append(contentsOf: digits.reversed())
        }
        put(y, 4); out.append(45); put(m, 2); out.append(45); put(d, 2); out.append(84)
        put(rem / 3600, 2); out.append(58); put(rem % 3600 / 60, 2); out.append(58); put(rem % 60, 2); out.append(90)
        return String(decoding: out, as: Unicode.UTF8.self)
    }
}
