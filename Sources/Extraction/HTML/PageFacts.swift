/// Facts of the parsed page that do not change from one content pass to the next, computed at
/// most once per extraction and shared by its passes (each pass works on its own copy of the
/// tree, but text nodes keep their number and their text, and positions in the original page
/// stay what they were).
final class PageFacts {
    /// The page as parsed.
    let original: HTMLDocument
    private var proximityStorage: TitleProximity?

    /// Facts of `original`, computed when first asked for.
    init(_ original: HTMLDocument) {
        self.original = original
    }

    /// `TitleProximity` of the original page (one walk per extraction instead of one per pass).
    var proximity: TitleProximity {
        if let p = proximityStorage { return p }
        let p = TitleProximity(original)
        proximityStorage = p
        return p
    }

    /// Folded length plus one (when not empty) of the text nodes counted so far, -1 for the
    /// others: the per-text-node term of `subtreeLengths` and `Shape`. Text nodes are counted when
    /// a pass first needs them (`countText`), so text that every pass drops (scripts, the head)
    /// is never counted.
    private(set) var textLengths: [Int] = []

    /// Counts the text nodes among `nodes` not counted yet (`nodes` are nodes of a pass's tree;
    /// text nodes are never created, so every text node is a node of `original`).
    func countText(_ nodes: [Int32], _ doc: HTMLDocument) {
        if textLengths.count < original.count { textLengths = [Int](repeating: -1, count: original.count) }
        for n in nodes {
            let i = Int(n)
            guard i < textLengths.count, textLengths[i] < 0, doc.tag[i] == .text else { continue }
            textLengths[i] = Self.textLength(n, doc)
        }
    }

    /// Folded length of text node `n` of `doc`, plus one when not empty (the separator it brings).
    static func textLength(_ n: Int32, _ doc: HTMLDocument) -> Int {
        var c = FoldCounter()
        c.add(doc, n)
        return c.count + (c.count > 0 ? 1 : 0)
    }
}
