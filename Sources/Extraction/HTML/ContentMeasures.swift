/// Scores and text measures of the content pass: class weights, tag priors, folded text,
/// comma counts, link density and the per-subtree lengths.
extension ContentExtractor.Pass {
    // MARK: Scores

    func classWeight(_ n: Int32) -> Float {
        guard flags.contains(.weightClasses) else { return 0 }
        var w: Float = 0
        for attr in [HTMLAttribute.class, .id] {
            guard let r = doc.attributeRange(n, attr), !r.isEmpty else { continue }
            var s = Array(doc.source[r])
            for k in 0..<s.count where s[k] >= 65 && s[k] <= 90 { s[k] |= 0x20 }
            if ContentExtractor.negative.matches(s) || Keywords.hasToken(s, "hid") { w -= 25 }
            if ContentExtractor.positive.matches(s) { w += 25 }
        }
        return w
    }

    mutating func initializeNode(_ n: Int32) {
        ensureCapacity()
        initialized[Int(n)] = true
        var s: Float
        switch doc.tag[Int(n)] {
        case .div, .article: s = 5
        case .pre, .td, .blockquote: s = 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: s = -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: s = -5
        default: s = 0
        }
        score[Int(n)] = s + classWeight(n)
    }

    // MARK: Text measures

    /// Text of the subtree with white space folded and trimmed (raw bytes, references encoded).
    func innerTextBytes(_ n: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var space = false
        if doc.tag[Int(n)] == .text { appendText(n, &out, &space); return out }
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if doc.tag[Int(k)] == .text { appendText(k, &out, &space) }
            k = doc.following(k, within: n)
        }
        return out
    }

    func appendText(_ k: Int32, _ out: inout [UInt8], _ space: inout Bool) {
        let i = Int(k)
        for j in Int(doc.lo[i])..<Int(doc.hi[i]) {
            let b = doc.source[j]
            if TextBuilder.isWS(b) { space = true; continue }
            if space && !out.isEmpty { out.append(32) }
            space = false
            out.append(b)
        }
    }

    /// (character count of the folded text, comma count), as counted on `innerTextBytes(n)` but
    /// without building it: the folded bytes are streamed through `FoldedTextStats`.
    func textStats(_ n: Int32) -> (Int, Int) {
        var stats = FoldedTextStats()
        doc.source.withUnsafeBufferPointer { src in
            if doc.tag[Int(n)] == .text { stats.add(src, Int(doc.lo[Int(n)]), Int(doc.hi[Int(n)])); return }
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                if doc.tag[Int(k)] == .text { stats.add(src, Int(doc.lo[Int(k)]), Int(doc.hi[Int(k)])) }
                k = doc.following(k, within: n)
            }
        }
        return (stats.characters, stats.commas)
    }

    /// Character count of the folded, trimmed text of the subtree, without building it.
    func textLength(_ n: Int32) -> Int {
        var state = FoldCounter()
        if doc.tag[Int(n)] == .text { state.add(doc, n); return state.count }
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if doc.tag[Int(k)] == .text { state.add(doc, k) }
            k = doc.following(k, within: n)
        }
        return state.count
    }

    func utf8Length(_ t: [UInt8]) -> Int {
        var c = 0
        for b in t where b & 0xC0 != 0x80 { c += 1 }
        return c
    }

    func linkDensity(_ n: Int32) -> Float {
        let (total, link) = linkStats(n)
        return total > 0 ? link / Float(total) : 0
    }

    /// Folded text length of the subtree (as `textLength`) and its link text length (each link's
    /// text weighted by `HTMLDocument.linkWeight`), in one walk.
    func linkStats(_ n: Int32) -> (total: Int, link: Float) {
        var total = FoldCounter()
        var linkLen: Float = 0
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            let t = doc.tag[Int(k)]
            if t == .text { total.add(doc, k) }
            else if t == .a {
                let coeff = doc.linkWeight(k)
                let before = total.count
                var j = doc.firstChild[Int(k)]
                while j >= 0 {
                    if doc.tag[Int(j)] == .text { total.add(doc, j) }
                    j = doc.following(j, within: k)
                }
                linkLen += Float(total.count - before) * coeff
                k = doc.following(k, within: n, skipChildren: true)
                continue
            }
            k = doc.following(k, within: n)
        }
        return (total.count, linkLen)
    }

    /// Non-link characters of the paragraphs (`<p>` of 80 or more characters) under `n`.
    func paragraphProse(_ n: Int32) -> Int {
        var sum = 0
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if doc.tag[Int(k)] == .p {
                let (len, link) = linkStats(k)
                if len >= 80 { sum += Int(Float(len) * (1 - link / Float(len))) }
                k = doc.following(k, within: n, skipChildren: true)
                continue
            }
            k = doc.following(k, within: n)
        }
        return sum
    }

    /// Folded text length and (weighted) link-text length of every subtree, in one post-order pass.
    func subtreeLengths(_ root: Int32) -> (text: [Int], link: [Float]) {
        var text = [Int](repeating: 0, count: doc.count)
        var link = [Float](repeating: 0, count: doc.count)
        // Pre-order list, then accumulate children into parents in reverse.
        var order: [Int32] = []
        var k = doc.firstChild[Int(root)]
        while k >= 0 { order.append(k); k = doc.following(k, within: root) }
        shared.countText(order, doc)
        let own = shared.textLengths
        for n in order.reversed() {
            let i = Int(n)
            if doc.tag[i] == .text {
                text[i] = ownTextLength(n, own)
            } else if doc.tag[i] == .a {
                let coeff = doc.linkWeight(n)
                link[i] = Float(text[i]) * coeff
            }
            let p = Int(doc.parent[i])
            if p >= 0 { text[p] += text[i]; link[p] += link[i] }
        }
        return (text, link)
    }

    /// Folded length of text node `n` plus one when not empty, from `own` (`PageFacts.textLengths`).
    @inline(__always)
    func ownTextLength(_ n: Int32, _ own: [Int]) -> Int {
        let i = Int(n)
        if i < own.count, own[i] >= 0 { return own[i] }
        return PageFacts.textLength(n, doc)
    }

    func hasSentenceEnd(_ t: [UInt8]) -> Bool {
        for i in 0..<t.count where t[i] == 0x2E {
            if i + 1 == t.count || t[i + 1] == 32 { return true }
        }
        return false
    }

    func count(_ t: HTMLTag, under n: Int32) -> Int {
        var c = 0
        var k = doc.firstChild[Int(n)]
        while k >= 0 { if doc.tag[Int(k)] == t { c += 1 }; k = doc.following(k, within: n) }
        return c
    }
}

/// Character and comma counts of the folded text `innerTextBytes` builds (white space runs become
/// one space between non-space bytes), fed the raw text nodes in order. Counts as `utf8Length`
/// and the comma scan of `textStats` would on the built bytes: a space counts once some byte was
/// emitted, and a comma (`,` U+FF0C U+060C) is counted at its last byte.
struct FoldedTextStats {
    var characters = 0
    var commas = 0
    /// Has any byte been emitted (the built text is not empty)?
    var emitted = false
    var space = false
    /// The last two emitted bytes (0 before any; a folded space is 32).
    var prev1: UInt8 = 0
    var prev2: UInt8 = 0

    @inline(__always)
    mutating func add(_ src: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) {
        var j = lo
        while j < hi {
            let b = src[j]
            j += 1
            if TextBuilder.isWS(b) { space = true; continue }
            if space && emitted { characters += 1; prev2 = prev1; prev1 = 32 }
            space = false
            emitted = true
            if b & 0xC0 != 0x80 { characters += 1 }
            if b == 0x2C || (b == 0x8C && ((prev1 == 0xBC && prev2 == 0xEF) || prev1 == 0xD8)) { commas += 1 }
            prev2 = prev1; prev1 = b
        }
    }
}

/// Counts characters of text as white-space-folded and trimmed, across text nodes.
struct FoldCounter {
    var count = 0
    var pendingSpace = false

    @inline(__always)
    mutating func add(_ doc: HTMLDocument, _ n: Int32) {
        let i = Int(n)
        let lo = Int(doc.lo[i]), hi = Int(doc.hi[i])
        doc.source.withUnsafeBufferPointer { buf in
            var j = lo
            while j < hi {
                let b = buf[j]
                if b == 32 || b == 9 || b == 10 || b == 13 || b == 12 {
                    pendingSpace = true
                } else if b & 0xC0 != 0x80 {
                    if pendingSpace && count > 0 { count += 1 }
                    pendingSpace = false
                    count += 1
                }
                j += 1
            }
        }
    }
}

/// Word-overlap similarity used to match a heading against the title.
enum Similarity {
    static func tokens(_ s: String) -> [String] {
        s.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// 1 − (share of `b`'s characters in words that `a` lacks).
    static func text(_ a: String, _ b: String) -> Double {
        text(Set(tokens(a)), b)
    }

    /// `text(a, b)` with `a`'s tokens already split (`Set(tokens(a))`).
    static func text(_ ta: Set<String>, _ b: String) -> Double {
        if let r = asciiText(ta, b) { return r }
        let tb = tokens(b)
        guard !ta.isEmpty, !tb.isEmpty else { return 0 }
        let uniq = tb.filter { !ta.contains($0) }
        let all = tb.joined(separator: " ").count
        guard all > 0 else { return 0 }
        return 1 - Double(uniq.joined(separator: " ").count) / Double(all)
    }
}

extension Similarity {
    /// `text(ta, b)` when `b` is all ASCII (nil otherwise), on its bytes: the ASCII letters and
    /// numbers are A–Z, a–z and 0–9, lower-casing is ASCII lower-casing, and a word's character
    /// count is its byte count, so the String splitting and lower-casing are not needed.
    static func asciiText(_ ta: Set<String>, _ b: String) -> Double? {
        var all = 0, uniq = 0, words = 0, uniqWords = 0
        let ascii = b.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            let n = buf.count
            var word = [UInt8]()
            var i = 0
            while i <= n {
                let c: UInt8 = i < n ? buf[i] : 32
                if c >= 0x80 { return false }
                let l = c >= 65 && c <= 90 ? c | 0x20 : c
                if (l >= 97 && l <= 122) || (l >= 48 && l <= 57) {
                    word.append(l)
                } else if !word.isEmpty {
                    words += 1
                    all += word.count
                    if !ta.contains(String(decoding: word, as: UTF8.self)) { uniqWords += 1; uniq += word.count }
                    word.removeAll(keepingCapacity: true)
                }
                i += 1
            }
            return true
        }
        guard ascii == true else { return nil }
        guard !ta.isEmpty, words > 0 else { return 0 }
        // Lengths of the words joined by single spaces.
        let allJoined = all + words - 1
        let uniqJoined = uniqWords > 0 ? uniq + uniqWords - 1 : 0
        guard allJoined > 0 else { return 0 }
        return 1 - Double(uniqJoined) / Double(allJoined)
    }
}
