/// The last step of the boilerplate pass: the edges of the article (what stands before its first
/// paragraph of prose and after its last) and the short lines that are furniture wherever they
/// stand (ad labels, credit lines, a gallery's title repeated on every slide), with the block
/// measures (`Block`, `leafBlocks`, `measure`) the steps share. See `BoilerplatePruner.swift`.
extension ContentExtractor.Pass {
    // MARK: 3. Edges

    /// A leaf block of the content and what the edge trimming needs to know of it.
    struct Block {
        var node: Int32
        var length: Int
        var linkDensity: Float
        var sentences: Int
        var isHeading: Bool
        var isListItem: Bool
        var isCell: Bool
        var isProse: Bool { linkDensity < 0.3 && ((length >= 50 && sentences >= 1) || length >= 150) }
    }

    mutating func trimEdges(_ content: Int32, _ facts: Shape, _ blocks: [Block]) {
        guard let last = blocks.lastIndex(where: { $0.isProse }), let first = blocks.firstIndex(where: { $0.isProse }) else { return }
        var doomed: [Int32] = []
        // After the article: link blocks and short fragments ("Tags", "Print", "4 min read"); a heading
        // goes when nothing after it stays. List items stay (articles end with lists).
        var keptAfter = false
        for b in blocks[(last + 1)...].reversed() {
            let junk = (b.linkDensity >= 0.3 && !(b.sentences >= 1 && b.length >= 100))
                || (!b.isCell && ((b.isHeading && !keptAfter) || (!b.isHeading && !b.isListItem && b.length < 40 && b.sentences == 0)))
            if junk { doomed.append(b.node) } else { keptAfter = true }
        }
        // The text of each short block, built once for the rules below.
        let texts = blocks.map { $0.length <= 160 ? innerTextBytes($0.node) : [] }
        // Before the article: link blocks and short fragments (dates, "4 min read", "Photo:"), but
        // not the items of a list that also holds prose: the article's list, even when it opens with
        // links ("Highlights: <a>Our year in review</a>, …"). And the meta lines of the article's
        // header, up to and including the first block taken for prose: a blog theme's post-meta
        // line, a comment count between separators ("14. Juni 2019 | von Jane Doe | 0 Comments":
        // its date can pass for a sentence); a dateline, a year and a clock time without a sentence
        // ("on December 27, 2014 at 12:06 PM, updated …").
        var proseLists: [Int32: Bool] = [:]
        for (j, b) in blocks[...first].enumerated() {
            if j < first, b.linkDensity >= 0.3 || (!b.isHeading && !b.isListItem && !b.isCell && b.length < 40 && b.sentences == 0) {
                if b.isListItem, let list = listOf(b.node), listHoldsProse(list, facts, known: &proseLists) { continue }
                doomed.append(b.node)
                continue
            }
            guard !b.isHeading, !b.isCell, !b.isListItem, b.length <= 160 else { continue }
            if Self.holdsSeparator(texts[j]), CommentCount.occurs(in: texts[j][...]) {
                doomed.append(b.node)
            } else if j < first, b.length <= 120, b.sentences == 0, Self.holdsYearAndClockTime(texts[j]) {
                doomed.append(b.node)
            }
        }
        // Ad labels anywhere ("Advertisement", "- Anzeige -"): the ad itself is gone, its label stays.
        // Credit lines anywhere ("Foto: …/Getty Images", "© Agency"): see `CreditLine`.
        // A short title of three words or more and no sentence, printed three times or more (a
        // gallery's title on every slide), is the furniture of a widget, not something the article
        // says three times. Short repeated replies and separators ("No answer.", "***") stay.
        var titles: [(hash: UInt64, node: Int32)] = []
        for (j, b) in blocks.enumerated() where b.length <= 160 {
            let text = texts[j]
            if !b.isCell, b.length < 100, b.sentences == 0, Self.words(text) >= 3 {
                titles.append((BoilerplateHints.hash(text), b.node))
            }
            if b.isHeading { continue }
            if (b.length < 30 && BoilerplateHints.isAdLabel(text)) || CreditLine.matches(text[...], length: b.length, sentences: b.sentences) {
                doomed.append(b.node)
            }
        }
        titles.sort { $0.hash < $1.hash }
        var k = 0
        while k < titles.count {
            var e = k + 1
            while e < titles.count, titles[e].hash == titles[k].hash { e += 1 }
            if e - k >= 3 { for t in titles[k..<e] { doomed.append(t.node) } }
            k = e
        }
        for n in doomed where doc.parent[Int(n)] >= 0 { doc.remove(n) }
    }

    /// Whether `text` holds both a year (four digits 1900–2099 standing alone) and a clock time (one
    /// or two digits, a colon, two digits: "12:06", "9:24").
    static func holdsYearAndClockTime(_ t: [UInt8]) -> Bool {
        func digit(_ i: Int) -> Bool { i >= 0 && i < t.count && t[i] >= 0x30 && t[i] <= 0x39 }
        var year = false, time = false
        var i = 0
        while i < t.count {
            guard digit(i), !digit(i - 1) else { i += 1; continue }
            var e = i
            while digit(e) { e += 1 }
            if e - i == 4, (t[i] == 0x31 && t[i + 1] == 0x39) || (t[i] == 0x32 && t[i + 1] == 0x30) { year = true }
            if e - i <= 2, e < t.count, t[e] == 0x3A, digit(e + 1), digit(e + 2), !digit(e + 3) { time = true }
            i = e
        }
        return year && time
    }

    /// Whether `text` holds a separator of a meta line: `|`, `·` (U+00B7) or `•` (U+2022).
    static func holdsSeparator(_ t: [UInt8]) -> Bool {
        for i in t.indices {
            if t[i] == 0x7C { return true }
            if t[i] == 0xC2, i + 1 < t.count, t[i + 1] == 0xB7 { return true }
            if t[i] == 0xE2, i + 2 < t.count, t[i + 1] == 0x80, t[i + 2] == 0xA2 { return true }
        }
        return false
    }

    /// Runs of letters or digits in `text` (ASCII and any non-ASCII byte count as letters): the words
    /// of a title, separators ("/", "–") not counted.
    static func words(_ text: [UInt8]) -> Int {
        var n = 0
        var inWord = false
        for b in text {
            let w = Keywords.isWordByte(b)
            if w && !inWord { n += 1 }
            inWord = w
        }
        return n
    }

    /// The list (`<ul>`, `<ol>`, `<dl>`) that leaf block `n` is an item of, or is inside an item of.
    func listOf(_ n: Int32) -> Int32? {
        var p = n
        for _ in 0..<3 {
            guard p >= 0 else { return nil }
            let t = doc.tag[Int(p)]
            if t == .li || t == .dd || t == .dt {
                let list = doc.parent[Int(p)]
                return list >= 0 ? list : nil
            }
            p = doc.parent[Int(p)]
        }
        return nil
    }

    /// Leaf blocks (block elements with no block inside) in document order, with their measures.
    func leafBlocks(_ content: Int32, _ lengths: Shape) -> [Block] {
        var out: [Block] = []
        var k = doc.firstChild[Int(content)]
        while k >= 0 {
            let i = Int(k)
            let t = doc.tag[i]
            if t != .text, t != .br, t != .hr, t.isBlock, lengths.text[i] > 0, !lengths.hasBlock[i] {
                let (length, sentences) = measure(k)
                out.append(Block(
                    node: k, length: length, linkDensity: lengths.link[i] / Float(lengths.text[i]),
                    sentences: sentences, isHeading: t.isHeading, isListItem: t == .li || t == .dd || t == .dt, isCell: t == .td || t == .th
                ))
                k = doc.following(k, within: content, skipChildren: true)
                continue
            }
            k = doc.following(k, within: content)
        }
        return out
    }

    /// `weightedLength` and `sentenceEnds` of the subtree's folded text, without building it.
    func measure(_ n: Int32) -> (length: Int, sentences: Int) {
        var length = 0, sentences = 0
        var pending = false   // after . ! ? waiting for a space or the end (closing quotes wait too)
        var tail = 0          // continuation bytes still expected after a closing quote's lead byte
        var space = false     // a folded space is due before the next character
        doc.source.withUnsafeBufferPointer { src in
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                if doc.tag[Int(k)] == .text {
                    let i = Int(k)
                    var j = Int(doc.lo[i])
                    let hi = Int(doc.hi[i])
                    while j < hi {
                        let b = src[j]
                        if b >= 0x41 && b < 0x80 {
                            // Letters and most ASCII (not space, quote, paren or . ! ?): what the
                            // last branch of the chain below does for them.
                            if space { length += 1; space = false }
                            length += 1
                            pending = false
                        } else if TextBuilder.isWS(b) {
                            if pending { sentences += 1; pending = false }
                            space = length > 0
                        } else {
                            if space { length += 1; space = false }
                            if b & 0xC0 != 0x80 { length += (b >= 0xE3 && b <= 0xED) ? 2 : 1 }
                            if b == 0x2E || b == 0x21 || b == 0x3F {
                                pending = true
                            } else if pending, b == 0x22 || b == 0x27 || b == 0x29 {
                                // closing quote or paren: still pending
                            } else if pending, b == 0xE2, j + 2 < hi, src[j + 1] == 0x80, src[j + 2] == 0x9D || src[j + 2] == 0x99 {
                                tail = 2
                            } else if tail > 0, b & 0xC0 == 0x80 {
                                tail -= 1
                            } else if b == 0xE3, j + 2 < hi, src[j + 1] == 0x80, src[j + 2] == 0x82 {
                                sentences += 1; pending = false   // 。
                            } else if b == 0xEF, j + 2 < hi, src[j + 1] == 0xBC, src[j + 2] == 0x81 || src[j + 2] == 0x9F {
                                sentences += 1; pending = false   // ！ ？
                            } else if b == 0xE2, j + 2 < hi, src[j + 1] == 0x80, src[j + 2] == 0xA6 {
                                sentences += 1; pending = false   // …
                            } else if b & 0xC0 != 0x80 || tail == 0 {
                                pending = false
                            }
                        }
                        j += 1
                    }
                }
                k = doc.following(k, within: n)
            }
        }
        if pending { sentences += 1 }
        return (length, sentences)
    }

    /// Characters of `text`, ideographs counted twice (a CJK word is one or two characters).
    func weightedLength(_ text: [UInt8]) -> Int {
        var n = 0
        var i = 0
        while i < text.count {
            let b = text[i]
            if b & 0xC0 != 0x80 { n += (b >= 0xE3 && b <= 0xED) ? 2 : 1 }
            i += 1
        }
        return n
    }

    /// Sentence-ending punctuation followed by a space or the end: `.` `!` `?` `…` and `。！？`.
    func sentenceEnds(_ t: [UInt8]) -> Int {
        var n = 0
        var i = 0
        let c = t.count
        while i < c {
            let b = t[i]
            if b == 0x2E || b == 0x21 || b == 0x3F {
                var j = i + 1
                while j < c, t[j] == 0x22 || t[j] == 0x27 || t[j] == 0x29 { j += 1 }   // closing quote or paren
                if j == c || t[j] == 32 { n += 1 }
                // Closing curly quotes (U+201D, U+2019) after the punctuation.
                else if j + 2 < c, t[j] == 0xE2, t[j + 1] == 0x80, t[j + 2] == 0x9D || t[j + 2] == 0x99 { n += 1 }
            } else if b == 0xE3, i + 2 < c, t[i + 1] == 0x80, t[i + 2] == 0x82 {
                n += 1   // 。
            } else if b == 0xEF, i + 2 < c, t[i + 1] == 0xBC, t[i + 2] == 0x81 || t[i + 2] == 0x9F {
                n += 1   // ！ ？
            } else if b == 0xE2, i + 2 < c, t[i + 1] == 0x80, t[i + 2] == 0xA6 {
                n += 1   // …
            }
            i += 1
        }
        return n
    }
}
