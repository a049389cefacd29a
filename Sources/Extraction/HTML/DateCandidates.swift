/// Finds visible date strings when the page's metadata has none ("March 25, 2015",
/// "2019-04-28 06:01", "21.12.2018 10:55"), within a byte budget so that date search never
/// dominates a page's time: at most `budgetBytes` of text are examined, in document order.
enum DateCandidates {
    static let months = Keywords("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|mars|avr|mai|juin|juil|août|sept|déc|märz|okt|dez|ene|abr|ago|dic")

    /// Up to `limit` short text snippets that look like dates.
    static func collect(_ doc: HTMLDocument, budgetBytes: Int = 64 * 1024, limit: Int = 6) -> [String] {
        var out: [String] = []
        var spent = 0
        let body = doc.firstElement(.body) ?? 0
        var n = doc.firstChild[Int(body)]
        while n >= 0, spent < budgetBytes, out.count < limit {
            let t = doc.tag[Int(n)]
            if t == .script || t == .style || t == .noscript || t == .template {
                n = doc.following(n, within: body, skipChildren: true); continue
            }
            if t == .text {
                let lo = Int(doc.lo[Int(n)]), hi = Int(doc.hi[Int(n)])
                spent += hi - lo
                if hi - lo <= 120, let s = candidate(doc.source[lo..<hi]) { out.append(s) }
            }
            n = doc.following(n, within: body)
        }
        return out
    }

    /// The trimmed snippet if it holds a plausible year (1990–2099) and a month name or numeric date shape.
    static func candidate(_ raw: ArraySlice<UInt8>) -> String? {
        var hasYear = false
        var digitsRun = 0
        var separators = 0
        var prev: UInt8 = 0
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            if b >= 48 && b <= 57 {
                digitsRun += 1
                if digitsRun == 4, i + 1 == raw.endIndex || !(raw[i + 1] >= 48 && raw[i + 1] <= 57) {
                    let y0 = raw[i - 3], y1 = raw[i - 2]
                    if (y0 == 0x32 && y1 == 0x30) || (y0 == 0x31 && y1 == 0x39 && raw[i - 1] == 0x39) { hasYear = true }
                }
            } else {
                if digitsRun > 0 && (b == 0x2D || b == 0x2F || b == 0x2E) { separators += 1 }
                digitsRun = 0
            }
            prev = b
            i += 1
        }
        _ = prev
        guard hasYear else { return nil }
        let lower = raw.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        guard separators >= 2 || months.matches(lower) else { return nil }
        let s = TextBuilder.fold(TextBuilder.decodedString(raw))
        return s.isEmpty ? nil : s
    }
}
