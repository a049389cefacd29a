/// Known attribute names; others are skipped by the tokenizer.
public enum HTMLAttribute: UInt8, Sendable {
    case other = 0, `class`, id, style, hidden, ariaHidden, role, rel, itemprop, itemtype, name, property, content,
         href, datetime, lang, type, charset, httpEquiv, src, dataSrc, alt, dir, pubdate
}

/// One attribute: its name and the byte range of its raw value in the source (entities not decoded).
public struct HTMLAttributeValue: Sendable {
    public var name: HTMLAttribute
    public var lo: Int32
    public var hi: Int32
}

/// A light, mutable HTML tree stored as flat arrays indexed by node number.
///
/// Node 0 is the document root. Elements and text nodes share the index space; a text node's
/// `lo..<hi` is the byte range of its raw text in `source` (character references still encoded).
/// Siblings form a doubly linked list so that removing, retagging and re-parenting nodes is O(1),
/// which the content scorer relies on.
public struct HTMLDocument: Sendable {
    /// The page bytes (valid UTF-8 after decoding); text and attribute ranges point into it.
    public let source: [UInt8]
    public internal(set) var tag: [HTMLTag] = []
    public internal(set) var parent: [Int32] = []
    public internal(set) var firstChild: [Int32] = []
    public internal(set) var lastChild: [Int32] = []
    public internal(set) var nextSibling: [Int32] = []
    public internal(set) var previousSibling: [Int32] = []
    /// Text nodes: raw text range. Elements: range into `attributes`.
    public internal(set) var lo: [Int32] = []
    public internal(set) var hi: [Int32] = []
    public internal(set) var attributes: [HTMLAttributeValue] = []
    /// Malformed-markup observations made while building (unclosed tags, depth cap...).
    public internal(set) var warnings: [String] = []
    /// Byte offset where the tree builder stopped because a cap of `ExtractionLimits` was reached
    /// (node count or tree work); nil when the whole document is in the tree.
    public internal(set) var truncatedAt: Int? = nil

    public var count: Int { tag.count }
    public static let none: Int32 = -1

    init(source: [UInt8]) {
        self.source = source
        _ = appendNode(.root, lo: 0, hi: 0)
    }

    @discardableResult
    mutating func appendNode(_ t: HTMLTag, lo l: Int32, hi h: Int32) -> Int32 {
        let id = Int32(tag.count)
        tag.append(t); parent.append(-1); firstChild.append(-1); lastChild.append(-1)
        nextSibling.append(-1); previousSibling.append(-1); lo.append(l); hi.append(h)
        return id
    }

    /// Reserves room for `n` nodes in every per-node array (the tree builder's estimate from the
    /// page size), so that building the tree does not copy them as they grow.
    mutating func reserveCapacity(nodes n: Int) {
        tag.reserveCapacity(n); parent.reserveCapacity(n); firstChild.reserveCapacity(n); lastChild.reserveCapacity(n)
        nextSibling.reserveCapacity(n); previousSibling.reserveCapacity(n); lo.reserveCapacity(n); hi.reserveCapacity(n)
    }

    /// Appends `child` (currently detached) as the last child of `p`.
    mutating func appendChild(_ child: Int32, to p: Int32) {
        let c = Int(child), pi = Int(p)
        parent[c] = p
        let last = lastChild[pi]
        previousSibling[c] = last
        nextSibling[c] = -1
        if last >= 0 { nextSibling[Int(last)] = child } else { firstChild[pi] = child }
        lastChild[pi] = child
    }

    /// Detaches `n` (and its subtree) from its parent.
    public mutating func remove(_ n: Int32) {
        let i = Int(n)
        let p = parent[i]
        guard p >= 0 else { return }
        let prev = previousSibling[i], next = nextSibling[i]
        if prev >= 0 { nextSibling[Int(prev)] = next } else { firstChild[Int(p)] = next }
        if next >= 0 { previousSibling[Int(next)] = prev } else { lastChild[Int(p)] = prev }
        parent[i] = -1; previousSibling[i] = -1; nextSibling[i] = -1
    }

    /// Inserts detached `n` before `ref` under `ref`'s parent.
    mutating func insert(_ n: Int32, before ref: Int32) {
        let p = parent[Int(ref)]
        guard p >= 0 else { return }
        let prev = previousSibling[Int(ref)]
        parent[Int(n)] = p
        previousSibling[Int(n)] = prev
        nextSibling[Int(n)] = ref
        previousSibling[Int(ref)] = n
        if prev >= 0 { nextSibling[Int(prev)] = n } else { firstChild[Int(p)] = n }
    }

    /// Replaces attached `old` by detached `new` in the tree.
    mutating func replace(_ old: Int32, with new: Int32) {
        insert(new, before: old)
        remove(old)
    }

    /// Creates a detached element.
    mutating func createElement(_ t: HTMLTag) -> Int32 { appendNode(t, lo: 0, hi: 0) }

    mutating func setTag(_ n: Int32, _ t: HTMLTag) { tag[Int(n)] = t }

    // MARK: Reading

    /// The raw value of attribute `a` of element `n`, as a byte range, if present.
    public func attributeRange(_ n: Int32, _ a: HTMLAttribute) -> Range<Int>? {
        let i = Int(n)
        let t = tag[i]
        guard t != .text, t != .comment, t != .root else { return nil }
        var k = Int(lo[i])
        let end = Int(hi[i])
        while k < end {
            let attr = attributes[k]
            if attr.name == a { return Int(attr.lo)..<Int(attr.hi) }
            k += 1
        }
        return nil
    }

    public func hasAttribute(_ n: Int32, _ a: HTMLAttribute) -> Bool { attributeRange(n, a) != nil }

    /// The attribute's value with character references decoded, white space trimmed.
    public func attribute(_ n: Int32, _ a: HTMLAttribute) -> String? {
        guard let r = attributeRange(n, a) else { return nil }
        return TextBuilder.decodedString(source[r])
    }

    /// Iterates the children of `n`.
    public func children(_ n: Int32) -> ChildSequence { ChildSequence(doc: self, first: firstChild[Int(n)]) }

    public struct ChildSequence: Sequence, IteratorProtocol {
        let doc: HTMLDocument
        var cur: Int32
        init(doc: HTMLDocument, first: Int32) { self.doc = doc; self.cur = first }
        public mutating func next() -> Int32? {
            guard cur >= 0 else { return nil }
            defer { cur = doc.nextSibling[Int(cur)] }
            return cur
        }
    }

    /// Next node in document order within the subtree of `root` (pre-order), or -1.
    public func following(_ n: Int32, within root: Int32, skipChildren: Bool = false) -> Int32 {
        let i = Int(n)
        if !skipChildren, firstChild[i] >= 0 { return firstChild[i] }
        var cur = n
        while cur >= 0 && cur != root {
            let ns = nextSibling[Int(cur)]
            if ns >= 0 { return ns }
            cur = parent[Int(cur)]
        }
        return -1
    }

    /// All elements with tag `t` under `root`, in document order.
    public func elements(_ t: HTMLTag, under root: Int32) -> [Int32] {
        var out: [Int32] = []
        var n = firstChild[Int(root)]
        while n >= 0 {
            if tag[Int(n)] == t { out.append(n) }
            n = following(n, within: root)
        }
        return out
    }

    /// First element with tag `t` under `root`, or nil.
    public func firstElement(_ t: HTMLTag, under root: Int32 = 0) -> Int32? {
        var n = firstChild[Int(root)]
        while n >= 0 {
            if tag[Int(n)] == t { return n }
            n = following(n, within: root)
        }
        return nil
    }

    /// Is `a` an ancestor of (or equal to) `n`?
    public func isAncestor(_ a: Int32, of n: Int32) -> Bool {
        var cur = n
        while cur >= 0 { if cur == a { return true }; cur = parent[Int(cur)] }
        return false
    }
}
