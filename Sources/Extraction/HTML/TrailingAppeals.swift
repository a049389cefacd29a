/// The pruner's step for the site's appeals to the reader after the article (`ReaderAppeal`):
/// subscribe and follow prompts, app adverts, log-in notes and shouted promotions that sit in the
/// article's container as ordinary paragraphs, so the edge trimming takes them for the last prose.
extension ContentExtractor.Pass {
    /// Removes the appeals at the end of `content`: walking back from the last leaf block, each
    /// appeal goes; short fragments, headings and link blocks are passed over (the edge trimming
    /// decides on them once the appeals are gone); the first other block of prose ends the walk.
    /// At most six blocks go, and only while prose of the article stays before them.
    /// - Parameter blocks: the content's `leafBlocks`.
    /// - Returns: whether anything was removed (the tree is unchanged when not).
    @discardableResult
    mutating func removeTrailingAppeals(_ blocks: [Block]) -> Bool {
        guard let firstProse = blocks.firstIndex(where: { $0.isProse }) else { return false }
        var doomed: [Int32] = []
        var index = blocks.count - 1
        while index > firstProse, doomed.count < 6 {
            let b = blocks[index]
            let text = innerTextBytes(b.node)
            if ReaderAppeal.isAppeal(text) || (b.length < 200 && ReaderAppeal.isShouted(text)) {
                doomed.append(b.node)
            } else if b.isProse {
                break
            }
            index -= 1
        }
        guard !doomed.isEmpty, blocks[firstProse...index].contains(where: { $0.isProse }) else { return false }
        for n in doomed where doc.parent[Int(n)] >= 0 { doc.remove(n) }
        return true
    }
}
