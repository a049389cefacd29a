/// Facts of the parsed page that do not change from one content pass to the next, computed at
/// most once per extraction and shared by its passes (each pass works on its own copy of the
/// tree, but text nodes keep their number and their text, and positions in the original page
/// stay what they were).
final class PageFacts {
    /// The page as parsed.
    let original: HTMLDocument
    private var proximityStorage: TitleProximity?
    private var textLengthStorage: [Int]?

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

    /// For each text node of the original page, its folded length plus one when not empty (the
    /// per-text-node term of `subtreeLengths` and `Shape`); 0 for other nodes.
    var textLengths: [Int] {
        if let t = textLengthStorage { return t }
        var out = [Int](repeating: 0, count: original.count)
        for i in 0..<original.count where original.tag[i] == .text {
            var c = FoldCounter()
            c.add(original, Int32(i))
            out[i] = c.count + (c.count > 0 ? 1 : 0)
        }
        textLengthStorage = out
        return out
    }
}
