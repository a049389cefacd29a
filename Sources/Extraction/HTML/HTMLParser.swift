import Articles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte-level, HTML5-tolerant tokenizer and tree builder.
///
/// It follows the parts of the HTML5 parsing algorithm that change what text ends up where:
/// raw-text elements (`script`, `style`, `textarea`, `title`, ...), void elements, implied end
/// tags (`p`, `li`, `dt`/`dd`, table cells and rows, `option`), comments, `CDATA` and bogus
/// comments, end tags without a start tag, and a nesting-depth cap beyond which elements are
/// flattened. It never fails: any byte sequence yields a tree. Character references are left
/// encoded in the source; ranges point at them and are decoded when text is built.
///
/// Work is bounded whatever the markup: the open-element stack keeps per-tag counts so that scope
/// searches for a tag that is not open cost nothing, an element keeps at most one attribute of each
/// known name (the first, as browsers do), and the tree stops growing at `maxHTMLNodes` nodes or
/// when its work (the sum of node depths plus stack-search steps) reaches `maxHTMLTreeWork`; the
/// document then records where it was truncated (``HTMLDocument/truncatedAt``) and a warning.
public enum HTMLParser {
    /// Parses `bytes` into a tree. `maxDepth` caps element nesting; the other caps are the defaults
    /// of `ExtractionLimits`.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) -> HTMLDocument {
        var limits = ExtractionLimits()
        limits.maxNestingDepth = maxDepth
        return parse(bytes, limits: limits)
    }

    /// Parses `bytes` into a tree within `limits` (nesting depth, node count, tree work).
    public static func parse(_ bytes: [UInt8], limits: ExtractionLimits) -> HTMLDocument {
        var builder = TreeBuilder(doc: HTMLDocument(source: bytes), maxDepth: max(4, limits.maxNestingDepth),
                                  maxNodes: max(16, limits.maxHTMLNodes), maxWork: max(1024, limits.maxHTMLTreeWork))
        bytes.withUnsafeBufferPointer { builder.run($0) }
        return builder.doc
    }

    /// Counts tags in `bytes` without building anything: the tokenize-only baseline of the benchmark.
    public static func countTags(_ bytes: [UInt8]) -> Int {
        var builder = TreeBuilder(doc: HTMLDocument(source: []), maxDepth: 512, maxNodes: .max, maxWork: .max)
        builder.tokenizeOnly = true
        bytes.withUnsafeBufferPointer { builder.run($0) }
        return builder.tagCount
    }
}

@inline(__always) private func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }
@inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 || b == 12 }
@inline(__always) private func isAlpha(_ b: UInt8) -> Bool { let l = b | 0x20; return l >= 97 && l <= 122 }

private struct TreeBuilder {
    var doc: HTMLDocument
    let maxDepth: Int
    var stack: [Int32] = [0]
    var stackTags: [HTMLTag] = [.root]
    var tokenizeOnly = false
    var tagCount = 0
    var depthWarned = false
    var misnestWarned = false
    var seenBody: Int32 = -1
    var seenHTML: Int32 = -1
    var seenHead: Int32 = -1
    var attrScratch: [HTMLAttributeValue] = []
    /// How many elements of each tag (by raw value) are on the stack: a scope search for a tag
    /// that is not open returns at once instead of walking the stack.
    var openCount = [Int32](repeating: 0, count: 256)
    /// `svg`/`math` elements on the stack (foreign content when > 0).
    var foreignOpen = 0
    let maxNodes: Int
    let maxWork: Int
    /// Sum of the depths of the nodes appended so far plus the stack steps of scope searches.
    var work = 0
    /// Set when a cap was reached: the builder stops at the next token.
    var truncated = false
    /// Where the last token started (for the truncation report).
    var tokenStart = 0

    init(doc: HTMLDocument, maxDepth: Int, maxNodes: Int, maxWork: Int) {
        self.doc = doc
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxWork = maxWork
        self.doc.reserveCapacity(nodes: min(doc.source.count / 24, maxNodes))
    }

    var current: Int32 { stack[stack.count - 1] }

    /// Charges a new node at the current depth; past a cap, marks the tree truncated.
    @inline(__always)
    mutating func charge() {
        work &+= stack.count
        if work > maxWork || doc.count >= maxNodes, !truncated {
            truncated = true
            doc.truncatedAt = tokenStart
            doc.warnings.append("document too complex: tree truncated at byte \(tokenStart) of \(doc.source.count) "
                + (doc.count >= maxNodes ? "(\(maxNodes) nodes)" : "(tree work over \(maxWork) steps)"))
        }
    }

    mutating func push(_ n: Int32, _ t: HTMLTag) {
        stack.append(n); stackTags.append(t)
        openCount[Int(t.rawValue)] += 1
        if t == .svg || t == .math { foreignOpen += 1 }
    }

    mutating func text(_ lo: Int, _ hi: Int) {
        guard hi > lo, !tokenizeOnly, !truncated else { return }
        charge()
        let n = doc.appendNode(.text, lo: Int32(lo), hi: Int32(hi))
        doc.appendChild(n, to: current)
    }

    mutating func run(_ buf: UnsafeBufferPointer<UInt8>) {
        let end = buf.count
        guard let base = buf.baseAddress, end > 0 else { return }
        var i = 0
        var textStart = 0
        while i < end, !truncated {
            // Find the next '<' with memchr.
            guard let found = memchr(base + i, 0x3C, end - i) else { break }
            let lt = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            i = lt
            guard lt + 1 < end else { break }
            tokenStart = lt
            let c = buf[lt + 1]
            if isAlpha(c) {
                text(textStart, lt)
                i = startTag(buf, lt + 1)
                textStart = i
            } else if c == 0x2F /* / */ {
                if lt + 2 < end, isAlpha(buf[lt + 2]) {
                    text(textStart, lt)
                    i = endTag(buf, lt + 2)
                    textStart = i
                } else if lt + 2 < end, buf[lt + 2] == 0x3E {
                    text(textStart, lt); i = lt + 3; textStart = i
                } else {
                    text(textStart, lt)
                    i = skipPast(buf, lt + 2, 0x3E); textStart = i
                }
            } else if c == 0x21 /* ! */ {
                text(textStart, lt)
                if lt + 3 < end, buf[lt + 2] == 0x2D, buf[lt + 3] == 0x2D {
                    i = skipComment(buf, lt + 4)
                } else if lt + 8 < end, buf[lt + 2] == 0x5B, buf[lt + 3] == 0x43, buf[lt + 8] == 0x5B { // <![CDATA[
                    i = skipSequence(buf, lt + 9, 0x5D, 0x5D, 0x3E)
                } else {
                    i = skipPast(buf, lt + 2, 0x3E)
                }
                textStart = i
            } else if c == 0x3F /* ? */ {
                text(textStart, lt)
                i = skipPast(buf, lt + 2, 0x3E); textStart = i
            } else {
                i = lt + 1 // a literal '<' in text
            }
        }
        text(textStart, end)
    }

    /// Index just past the next `stop` byte at or after `from` (or the end).
    func skipPast(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ stop: UInt8) -> Int {
        guard from < buf.count, let base = buf.baseAddress else { return buf.count }
        guard let f = memchr(base + from, Int32(stop), buf.count - from) else { return buf.count }
        return (UnsafeRawPointer(f).assumingMemoryBound(to: UInt8.self) - base) + 1
    }

    func skipComment(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        // "<!-->" and "<!--->" close immediately.
        if from < buf.count, buf[from] == 0x3E { return from + 1 }
        if from + 1 < buf.count, buf[from] == 0x2D, buf[from + 1] == 0x3E { return from + 2 }
        return skipSequence(buf, from, 0x2D, 0x2D, 0x3E)
    }

    func skipSequence(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        var i = from
        let end = buf.count
        while i + 2 < end {
            i = skipPast(buf, i, c) - 1
            if i >= end { return end }
            if i >= from + 2, buf[i - 1] == b, buf[i - 2] == a { return i + 1 }
            i += 1
        }
        return end
    }

    mutating func startTag(_ buf: UnsafeBufferPointer<UInt8>, _ nameStart: Int) -> Int {
        let end = buf.count
        var i = nameStart
        var name: (UInt64, Int) = (0, 0)
        while i < end {
            let b = buf[i]
            if isSpace(b) || b == 0x2F || b == 0x3E { break }
            if name.1 < 8 { name.0 = (name.0 << 8) | UInt64(lower(b)) }
            name.1 += 1
            i += 1
        }
        let t = name.1 <= 8 ? (TagTable.tag(name.0) ?? .other) : (name.1 <= 10 ? longTag(buf, nameStart, name.1) : .other)
        tagCount += 1
        // Attributes
        attrScratch.removeAll(keepingCapacity: true)
        var seenAttributes: UInt32 = 0  // one value per known name (the first), so at most 24 per element
        var selfClosing = false
        while i < end {
            var b = buf[i]
            if isSpace(b) { i += 1; continue }
            if b == 0x3E { i += 1; break }
            if b == 0x2F { selfClosing = true; i += 1; continue }
            selfClosing = false
            let an = i
            while i < end {
                b = buf[i]
                if isSpace(b) || b == 0x3D || b == 0x3E || (b == 0x2F && i > an) { break }
                i += 1
            }
            let attrName = AttributeTable.lookup(buf, an, i)
            while i < end, isSpace(buf[i]) { i += 1 }
            var vlo = i, vhi = i
            if i < end, buf[i] == 0x3D {
                i += 1
                while i < end, isSpace(buf[i]) { i += 1 }
                if i < end, buf[i] == 0x22 || buf[i] == 0x27 {
                    let q = buf[i]
                    vlo = i + 1
                    let close = skipPast(buf, vlo, q)
                    vhi = close - 1 < vlo ? vlo : (close <= end && close > 0 && buf[close - 1] == q ? close - 1 : end)
                    i = close
                } else {
                    vlo = i
                    while i < end, !isSpace(buf[i]), buf[i] != 0x3E { i += 1 }
                    vhi = i
                }
            }
            let bit = UInt32(1) << UInt32(attrName.rawValue & 31)
            if attrName != .other, !tokenizeOnly, seenAttributes & bit == 0 {
                seenAttributes |= bit
                attrScratch.append(HTMLAttributeValue(name: attrName, lo: Int32(vlo), hi: Int32(vhi)))
            }
        }
        if tokenizeOnly {
            if t.isRawText { return skipRawText(buf, i, t).resume }
            return i
        }
        // Inside <svg>/<math> (foreign content) no element is raw text: `<title/>` in an icon must
        // not swallow the rest of the page.
        let rawText = t.isRawText && foreignOpen == 0
        let node = open(t, selfClosing: selfClosing)
        if rawText {
            let (contentEnd, resume) = skipRawText(buf, i, t)
            if contentEnd > i, let node, !truncated {
                charge()
                let txt = doc.appendNode(.text, lo: Int32(i), hi: Int32(contentEnd))
                doc.appendChild(txt, to: node)
            }
            if let node, stack.last == node { popTo(stack.count - 1) }
            return resume
        }
        return i
    }

    func longTag(_ buf: UnsafeBufferPointer<UInt8>, _ lo: Int, _ n: Int) -> HTMLTag {
        var bytes: [UInt8] = []
        for k in lo..<(lo + n) { bytes.append(lower(buf[k])) }
        return bytes.withUnsafeBufferPointer { HTMLTag.lookup($0) }
    }

    /// For a raw-text element, finds `</name` and returns (end of content, index after the end tag).
    func skipRawText(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ t: HTMLTag) -> (contentEnd: Int, resume: Int) {
        let name = HTMLTag.nameBytes[Int(t.rawValue)]
        if t == .plaintext { return (buf.count, buf.count) }
        var i = from
        let end = buf.count
        while i < end {
            let lt = skipPast(buf, i, 0x3C) - 1
            if lt >= end - 1 { break }
            if buf[lt + 1] == 0x2F, lt + 2 + name.count <= end {
                var match = true
                for k in 0..<name.count where lower(buf[lt + 2 + k]) != name[k] { match = false; break }
                if match {
                    let after = lt + 2 + name.count
                    if after >= end || isSpace(buf[after]) || buf[after] == 0x3E || buf[after] == 0x2F {
                        return (lt, skipPast(buf, after, 0x3E))
                    }
                }
            }
            i = lt + 1
        }
        return (end, end)
    }

    // MARK: Tree construction

    mutating func inScope(_ t: HTMLTag, stopAt boundary: (HTMLTag) -> Bool) -> Int? {
        if openCount[Int(t.rawValue)] == 0 { return nil }
        var k = stackTags.count - 1
        while k > 0 {
            let s = stackTags[k]
            if s == t { work &+= stackTags.count - k; return k }
            if boundary(s) { work &+= stackTags.count - k; return nil }
            k -= 1
        }
        work &+= stackTags.count
        return nil
    }

    static func scopeBoundary(_ t: HTMLTag) -> Bool {
        switch t {
        case .table, .td, .th, .caption, .html, .template, .object, .button, .svg, .math: return true
        default: return false
        }
    }

    mutating func popTo(_ k: Int) {
        guard stack.count > k else { return }
        for j in k..<stackTags.count {
            let t = stackTags[j]
            openCount[Int(t.rawValue)] -= 1
            if t == .svg || t == .math { foreignOpen -= 1 }
        }
        stack.removeSubrange(k...); stackTags.removeSubrange(k...)
    }

    mutating func open(_ t: HTMLTag, selfClosing: Bool) -> Int32? {
        if truncated { return nil }
        // Single html/head/body: merge repeated ones away.
        switch t {
        case .html:
            if seenHTML >= 0 { return nil }
        case .body:
            if seenBody >= 0 { return nil }
        case .head:
            if seenHead >= 0 || seenBody >= 0 { return nil }
        default: break
        }
        if t.closesParagraph, let k = inScope(.p, stopAt: TreeBuilder.scopeBoundary) { popTo(k) }
        switch t {
        case .li:
            if let k = inScope(.li, stopAt: { $0 == .ul || $0 == .ol || $0 == .menu || TreeBuilder.scopeBoundary($0) }) { popTo(k) }
        case .dt, .dd:
            if let k = inScope(.dd, stopAt: { $0 == .dl || TreeBuilder.scopeBoundary($0) }) { popTo(k) }
            if let k = inScope(.dt, stopAt: { $0 == .dl || TreeBuilder.scopeBoundary($0) }) { popTo(k) }
        case .h1, .h2, .h3, .h4, .h5, .h6:
            if stackTags[stackTags.count - 1].isHeading { popTo(stack.count - 1) }
        case .tr:
            if let k = inScope(.tr, stopAt: { $0 == .table || $0 == .html }) { popTo(k) }
        case .td, .th:
            if let k = inScope(.td, stopAt: { $0 == .tr || $0 == .table || $0 == .html }) { popTo(k) }
            if let k = inScope(.th, stopAt: { $0 == .tr || $0 == .table || $0 == .html }) { popTo(k) }
        case .thead, .tbody, .tfoot:
            for s in [HTMLTag.tr, .thead, .tbody, .tfoot] {
                if let k = inScope(s, stopAt: { $0 == .table || $0 == .html }) { popTo(k) }
            }
        case .option, .optgroup:
            if stackTags[stackTags.count - 1] == .option { popTo(stack.count - 1) }
        case .a:
            if let k = inScope(.a, stopAt: TreeBuilder.scopeBoundary) { popTo(k); warnMisnest("nested <a>") }
        case .p, .div:
            // a block inside an inline formatting element stays inside it (browsers reconstruct formatting)
            break
        default: break
        }
        charge()
        let n = doc.appendNode(t, lo: Int32(doc.attributes.count), hi: Int32(doc.attributes.count + attrScratch.count))
        doc.attributes.append(contentsOf: attrScratch)
        doc.appendChild(n, to: current)
        switch t {
        case .html: seenHTML = n
        case .body: seenBody = n
        case .head: seenHead = n
        default: break
        }
        let inForeign = foreignOpen > 0
        if t.isVoid || (selfClosing && (inForeign || t == .svg || t == .math || t == .other)) { return n }
        if stack.count >= maxDepth {
            if !depthWarned { depthWarned = true; doc.warnings.append("nesting deeper than \(maxDepth) elements flattened") }
            return n
        }
        push(n, t)
        return n
    }

    mutating func warnMisnest(_ what: String) {
        if !misnestWarned { misnestWarned = true; doc.warnings.append("misnested markup (\(what))") }
    }

    mutating func endTag(_ buf: UnsafeBufferPointer<UInt8>, _ nameStart: Int) -> Int {
        let end = buf.count
        var i = nameStart
        var key: UInt64 = 0
        var len = 0
        while i < end {
            let b = buf[i]
            if isSpace(b) || b == 0x2F || b == 0x3E { break }
            if len < 8 { key = (key << 8) | UInt64(lower(b)) }
            len += 1
            i += 1
        }
        let t = len <= 8 ? (TagTable.tag(key) ?? .other) : (len <= 10 ? longTag(buf, nameStart, len) : .other)
        let resume = skipPast(buf, i, 0x3E)
        if tokenizeOnly { return resume }
        switch t {
        case .body, .html, .head:
            if t == .head, openCount[Int(HTMLTag.head.rawValue)] > 0, let k = stackTags.lastIndex(of: .head) { popTo(k) }
            return resume
        case .br:
            _ = open(.br, selfClosing: false)
            return resume
        case .other:
            if stackTags[stackTags.count - 1] == .other { popTo(stack.count - 1) }
            return resume
        case .p:
            if let k = inScope(.p, stopAt: TreeBuilder.scopeBoundary) { popTo(k) }
            return resume
        default:
            break
        }
        // Not open: the search below would find nothing.
        if openCount[Int(t.rawValue)] == 0 { return resume }
        var k = stackTags.count - 1
        while k > 0 {
            work &+= 1
            if stackTags[k] == t {
                if k != stackTags.count - 1 { warnMisnest("</\(t.name)>") }
                popTo(k)
                return resume
            }
            // Cells and tables bound the search for most end tags.
            if (stackTags[k] == .table || stackTags[k] == .td || stackTags[k] == .th) && t != .table && t != .td && t != .th && t != .tr && t != .tbody && t != .thead && t != .tfoot {
                break
            }
            k -= 1
        }
        return resume
    }
}

/// Tag names of up to 8 bytes keyed by their big-endian packed bytes: an open-addressing table
/// with a multiplicative hash (a `Dictionary` lookup hashes with SipHash on every start tag).
enum TagTable {
    /// log2 of the slot count (about 130 names in 512 slots).
    private static let bits = 9
    /// (packed name, tag raw value); a zero key is an empty slot (no name packs to zero).
    private static let slots: [(key: UInt64, tag: UInt8)] = {
        var slots = [(key: UInt64, tag: UInt8)](repeating: (0, 0), count: 1 << bits)
        for tag in HTMLTag.allCases where tag.rawValue > HTMLTag.comment.rawValue {
            let bytes = HTMLTag.nameBytes[Int(tag.rawValue)]
            guard bytes.count <= 8 else { continue }
            var key: UInt64 = 0
            for b in bytes { key = (key << 8) | UInt64(b) }
            var i = slot(key)
            while slots[i].key != 0 && slots[i].key != key { i = (i + 1) & ((1 << bits) - 1) }
            slots[i] = (key, tag.rawValue)
        }
        return slots
    }()

    @inline(__always) private static func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    /// The tag of a packed lower-cased name, `nil` when it is not one the extractor knows.
    static func tag(_ key: UInt64) -> HTMLTag? {
        if key == 0 { return nil }
        return slots.withUnsafeBufferPointer { slots in
            var i = slot(key)
            while true {
                let s = slots[i]
                if s.key == key { return HTMLTag(rawValue: s.tag) }
                if s.key == 0 { return nil }
                i = (i + 1) & ((1 << bits) - 1)
            }
        }
    }
}

enum AttributeTable {
    static let names: [(HTMLAttribute, [UInt8])] = [
        (.class, Array("class".utf8)), (.id, Array("id".utf8)), (.style, Array("style".utf8)),
        (.hidden, Array("hidden".utf8)), (.ariaHidden, Array("aria-hidden".utf8)), (.role, Array("role".utf8)),
        (.rel, Array("rel".utf8)), (.itemprop, Array("itemprop".utf8)), (.itemtype, Array("itemtype".utf8)),
        (.name, Array("name".utf8)), (.property, Array("property".utf8)), (.content, Array("content".utf8)),
        (.href, Array("href".utf8)), (.datetime, Array("datetime".utf8)), (.lang, Array("lang".utf8)),
        (.type, Array("type".utf8)), (.charset, Array("charset".utf8)), (.httpEquiv, Array("http-equiv".utf8)),
        (.src, Array("src".utf8)), (.dataSrc, Array("data-src".utf8)), (.alt, Array("alt".utf8)), (.dir, Array("dir".utf8)),
        (.pubdate, Array("pubdate".utf8)),
    ]

    @inline(__always)
    static func lookup(_ buf: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> HTMLAttribute {
        let n = hi - lo
        if n < 2 || n > 11 { return .other }
        let first = lower(buf[lo])
        outer: for (attr, name) in names where name.count == n && name[0] == first {
            for k in 1..<n where lower(buf[lo + k]) != name[k] { continue outer }
            return attr
        }
        return .other
    }
}
