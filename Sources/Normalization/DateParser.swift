/// Tolerant date parsing for feeds and pages.
///
/// Accepts RFC 822/1123/2822 (named zones such as GMT, EST, PDT, military letters, and numeric
/// `+hhmm`/`+hh:mm`), RFC 3339/ISO 8601 (with or without `T`, seconds, fraction or zone; basic
/// `YYYYMMDD`), common broken variants (missing weekday or comma, two-digit years, full month and
/// day names, `UT`, `Z` after RFC 822, dotted or slashed dates `YYYY/MM/DD`), and relative phrases
/// ("2 days ago", "an hour ago", "yesterday", "just now") resolved against `reference`.
/// A date without a zone is taken as UTC.
public enum DateParser {
    /// Parses `bytes`; nil when no date is recognised.
    public static func parse(_ bytes: [UInt8], reference: Timestamp? = nil) -> Timestamp? {
        let tokens = Tokenizer(bytes: bytes)
        let toks = tokens.all()
        if toks.isEmpty { return nil }
        if let r = relative(toks, reference: reference) { return r }
        return absolute(toks)
    }

    /// Parses a `String`.
    public static func parse(_ s: String, reference: Timestamp? = nil) -> Timestamp? {
        parse(Array(s.utf8), reference: reference)
    }

    enum Token: Equatable {
        case number(Int64, digits: Int)
        case word([UInt8])  // lower-cased letters
        case sym(UInt8)
    }

    struct Tokenizer {
        let bytes: [UInt8]
        func all() -> [Token] {
            var out: [Token] = []
            var i = 0
            let n = min(bytes.count, 200)
            while i < n {
                let c = bytes[i]
                if c >= 48 && c <= 57 {
                    var v: Int64 = 0; var d = 0
                    while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                        if d < 18 { v = v * 10 + Int64(bytes[i] - 48) }
                        d += 1; i += 1
                    }
                    out.append(.number(v, digits: d))
                } else if c | 0x20 >= 97 && c | 0x20 <= 122 {
                    var w: [UInt8] = []
                    while i < n, bytes[i] | 0x20 >= 97, bytes[i] | 0x20 <= 122 { w.append(bytes[i] | 0x20); i += 1 }
                    out.append(.word(w))
                } else if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x2C {
                    if c == 0x2C { out.append(.sym(c)) }
                    i += 1
                } else if c >= 0x80 {
                    i += 1  // skip non-ASCII (e.g. NBSP)
                } else {
                    out.append(.sym(c)); i += 1
                }
            }
            return out
        }
    }

    static func w(_ s: StaticString) -> [UInt8] {
        Array(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    static func month(_ word: [UInt8]) -> Int64? {
        guard word.count >= 3 else { return nil }
        let p = Array(word.prefix(3))
        guard let i = months.firstIndex(of: p) else { return nil }
        // accept "sept", full names, abbreviations
        return Int64(i + 1)
    }

    static let zones: [String: Int64] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "wet": 0, "bst": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120,
        "eet": 120, "eest": 180, "msk": 180, "ist": 330, "jst": 540, "kst": 540, "hkt": 480, "sgt": 480,
        "aest": 600, "aedt": 660, "acst": 570, "awst": 480, "nzst": 720, "nzdt": 780,
        "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
        "akst": -540, "akdt": -480, "hst": -600, "ast": -240, "adt": -180, "nst": -210, "ndt": -150,
    ]

    static let weekdays: Set<[UInt8]> = Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "tues", "thur", "thurs"].map { Array($0.utf8) })

    // MARK: absolute

    static func absolute(_ t: [Token]) -> Timestamp? {
        var year: Int64? = nil, mon: Int64? = nil, day: Int64? = nil
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var offsetMinutes: Int64 = 0
        var pm: Bool? = nil
        var i = 0
        var timeSeen = false
        let n = t.count
        func num(_ k: Int) -> (Int64, Int)? { if k < n, case let .number(v, d) = t[k] { return (v, d) }; return nil }
        func sym(_ k: Int) -> UInt8? { if k < n, case let .sym(s) = t[k] { return s }; return nil }
        /// A numeric offset at token `k` (a sign): "+hhmm", "+hh:mm" or "+hh", as minutes east and
        /// the tokens it used; over 18 hours counts as 0. One reader for "+0200" and "GMT+0200",
        /// which had disagreed ("GMT+99" was 99 hours, "+99" none).
        func numericOffset(_ k: Int) -> (minutes: Int64, used: Int)? {
            guard let s = sym(k), s == 43 || s == 45, let (v, d) = num(k + 1) else { return nil }
            var mins: Int64
            var used = 2
            if d == 4 { mins = v / 100 * 60 + v % 100 }
            else if d <= 2, sym(k + 2) == 58, let (m2, d2) = num(k + 3), d2 <= 2 { mins = v * 60 + m2; used = 4 }
            else if d <= 2 { mins = v * 60 }
            else { return nil }
            if mins > 18 * 60 { mins = 0 }
            return (s == 45 ? -mins : mins, used)
        }
        while i < n {
            switch t[i] {
            case let .number(v, d):
                // ISO date: YYYY-MM-DD / YYYY/MM/DD / YYYY.MM.DD
                if d == 4, year == nil, let s = sym(i + 1), s == 45 || s == 47 || s == 46, let (m, _) = num(i + 2) {
                    year = v; mon = m
                    if let s2 = sym(i + 3), s2 == s, let (dd, _) = num(i + 4) { day = dd; i += 5 } else { day = 1; i += 3 }
                    continue
                }
                if d == 8, year == nil {  // YYYYMMDD
                    year = v / 10000; mon = v / 100 % 100; day = v % 100; i += 1; continue
                }
                if d == 6, year != nil, !timeSeen {  // basic hhmmss
                    hour = v / 10000; minute = v / 100 % 100; second = v % 100; timeSeen = true; i += 1; continue
                }
                // time hh:mm[:ss][.fff]
                if !timeSeen, d <= 2, sym(i + 1) == 58, let (mm, _) = num(i + 2) {
                    hour = v; minute = mm; i += 3; timeSeen = true
                    if sym(i) == 58, let (ss, _) = num(i + 1) { second = ss; i += 2 }
                    if sym(i) == 46 || sym(i) == 44, num(i + 1) != nil { i += 2 }
                    continue
                }
                // DD/MM/YYYY or MM/DD/YYYY (US order when ambiguous second > 12)
                if d <= 2, year == nil, let s = sym(i + 1), s == 47 || s == 46 || s == 45, let (b, _) = num(i + 2),
                   sym(i + 3) == s, let (y, yd) = num(i + 4) {
                    if v > 12 { day = v; mon = b } else if b > 12 { mon = v; day = b } else { mon = v; day = b }
                    year = yd == 2 ? (y < 50 ? 2000 + y : 1900 + y) : y
                    i += 5; continue
                }
                // "01-Jan-2024"
                if d <= 2, day == nil, sym(i + 1) == 45, i + 2 < n, case let .word(wd) = t[i + 2], let m = month(wd) {
                    day = v; mon = m; i += 3
                    if sym(i) == 45, let (y, yd) = num(i + 1) { year = yd == 2 ? (y < 50 ? 2000 + y : 1900 + y) : y; i += 2 }
                    continue
                }
                if timeSeen, d == 4, i > 0, let s = sym(i - 1), s == 43 || s == 45 {
                    i += 1; continue  // handled as zone below
                }
                if d == 4, year == nil { year = v; i += 1; continue }
                if d <= 2, day == nil, v >= 1, v <= 31 { day = v; i += 1; continue }
                if d <= 2, year == nil, mon != nil, day != nil { year = v < 50 ? 2000 + v : 1900 + v; i += 1; continue }
                i += 1
            case let .sym(s):
                if (s == 43 || s == 45), timeSeen, num(i + 1) != nil {
                    if let o = numericOffset(i) { offsetMinutes = o.minutes; i += o.used } else { i += 2 }
                    continue
                }
                i += 1
            case let .word(wd):
                if wd == [0x74] || wd == [0x74, 0x7A] { i += 1; continue }  // "t" separator
                if wd.count == 1, wd[0] == 0x7A { offsetMinutes = 0; i += 1; continue }
                if let m = month(wd), mon == nil, wd.count <= 9, !weekdays.contains(wd) || wd.count > 3 {
                    if wd.count == 3 || isMonthName(wd) { mon = m; i += 1; continue }
                }
                if wd == w("am") { pm = false; i += 1; continue }
                if wd == w("pm") { pm = true; i += 1; continue }
                if let z = zones[String(decoding: wd, as: Unicode.UTF8.self)], timeSeen || year != nil {
                    offsetMinutes = z
                    // "GMT+0200", "GMT+02:00". Only "+h", "+hh", "+hh:mm" or "+hhmm": a longer number
                    // is no offset (and `v * 60` of a long one overflowed and trapped; found by
                    // scripts/fuzz date).
                    if let o = numericOffset(i + 1) { offsetMinutes = o.minutes; i += 1 + o.used; continue }
                    i += 1; continue
                }
                if wd.count == 1, timeSeen {  // military zones
                    let c = wd[0]
                    if c >= 97 && c <= 105 { offsetMinutes = Int64(c - 96) * 60 }
                    else if c >= 107 && c <= 109 { offsetMinutes = Int64(c - 97) * 60 }
                    else if c >= 110 && c <= 121 { offsetMinutes = -Int64(c - 109) * 60 }
                }
                i += 1
            }
        }
        guard var y = year, let m = mon, let d = day else { return nil }
        if y < 100 { y = y < 50 ? 2000 + y : 1900 + y }
        guard y >= 1000, y <= 9999, m >= 1, m <= 12, d >= 1, d <= CivilDate.daysInMonth(year: y, month: m) else { return nil }
        if let pm { if pm && hour < 12 { hour += 12 } else if !pm && hour == 12 { hour = 0 } }
        guard hour <= 24, minute <= 59, second <= 60 else { return nil }
        if second == 60 { second = 59 }
        let days = CivilDate.days(year: y, month: m, day: d)
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return Timestamp(secondsSinceEpoch: secs)
    }

    static let monthNames: Set<[UInt8]> = Set(["january", "february", "march", "april", "may", "june", "july", "august",
        "september", "sept", "october", "november", "december"].map { Array($0.utf8) })
    static func isMonthName(_ wd: [UInt8]) -> Bool { monthNames.contains(wd) }

    // MARK: relative

    static func relative(_ t: [Token], reference: Timestamp?) -> Timestamp? {
        var words: [[UInt8]] = []
        var nums: [Int64] = []
        for tok in t {
            switch tok {
            case let .word(wd): words.append(wd)
            case let .number(v, _): nums.append(v)
            case .sym: break
            }
        }
        guard !words.isEmpty else { return nil }
        let isAgo = words.last == w("ago")
        let single = words.count == 1 || (words.count == 2 && words[0] == w("just"))
        guard isAgo || (single && nums.isEmpty) else { return nil }
        guard let ref = reference else {
            // relative phrase recognised but nothing to resolve against
            return nil
        }
        let r = ref.secondsSinceEpoch
        if !isAgo {
            switch words.last! {
            case w("now"): return ref
            case w("today"): return Timestamp(secondsSinceEpoch: r - ((r % 86_400) + 86_400) % 86_400)
            case w("yesterday"): return Timestamp(secondsSinceEpoch: r - 86_400)
            default: return nil
            }
        }
        guard nums.count <= 1 else { return nil }
        var count: Int64 = nums.first ?? 0
        if nums.isEmpty {
            guard let q = words.first, q == w("a") || q == w("an") || q == w("one") else { return nil }
            count = 1
        }
        guard words.count >= 2 else { return nil }
        var unit = words[words.count - 2]
        if unit.count > 1, unit.last == 0x73 { unit.removeLast() }
        let secs: Int64
        switch unit {
        case w("second"), w("sec"), w("s"): secs = 1
        case w("minute"), w("min"), w("m"): secs = 60
        case w("hour"), w("hr"), w("h"): secs = 3600
        case w("day"), w("d"): secs = 86_400
        case w("week"), w("wk"), w("w"): secs = 7 * 86_400
        case w("month"), w("mo"): secs = 30 * 86_400
        case w("year"), w("yr"), w("y"): secs = 365 * 86_400
        default: return nil
        }
        guard count < 100_000 else { return nil }
        return Timestamp(secondsSinceEpoch: r - count * secs)
    }
}
