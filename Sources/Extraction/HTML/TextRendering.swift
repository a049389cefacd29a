import Articles

/// Plain text of the chosen content: block elements become paragraphs separated by a blank line.
extension ContentExtractor.Pass {
    // MARK: Output

    /// Plain text of the content: block elements become paragraphs separated by a blank line.
    func renderText(_ root: Int32) -> (String, Int) {
        var tb = TextBuilder()
        render(root, &tb)
        var s = tb.string()
        // Scalars of valid UTF-8: the bytes that are not continuation bytes.
        let scalars = s.withUTF8 { utf8 in
            var c = 0
            for b in utf8 where b & 0xC0 != 0x80 { c += 1 }
            return c
        }
        return (s, scalars)
    }

    /// The paragraphs of `nodes` still under `root`, as `renderText` prints them (one entry per
    /// paragraph printed, so a caption printed twice is listed twice).
    func renderCaptions(_ nodes: [Int32], under root: Int32) -> [String] {
        var out: [String] = []
        for n in nodes where isUnder(n, root) {  // not removed by a later step
            var tb = TextBuilder()
            render(n, &tb)
            let bytes = Array(tb.string().utf8)
            for range in CaptionParagraphs.ranges(bytes) where !CaptionParagraphs.key(bytes[range]).isEmpty {
                out.append(String(decoding: bytes[range], as: UTF8.self))
            }
        }
        return out
    }

    /// MathML: every token element is its own word.
    func renderSpaced(_ n: Int32, _ tb: inout TextBuilder) {
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if doc.tag[Int(k)] == .text {
                tb.appendRaw([32][...])
                tb.appendRaw(doc.source[Int(doc.lo[Int(k)])..<Int(doc.hi[Int(k)])])
                tb.appendRaw([32][...])
            }
            k = doc.following(k, within: n)
        }
    }

    func render(_ n: Int32, _ tb: inout TextBuilder) {
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            let t = doc.tag[Int(k)]
            if t == .text {
                let i = Int(k)
                tb.appendRaw(doc.source[Int(doc.lo[i])..<Int(doc.hi[i])])
            } else if t == .br {
                tb.lineBreak()
            } else if t == .img || t == .script || t == .style {
            } else if t == .math {
                renderSpaced(k, &tb)
            } else if t.isBlock {
                tb.paragraphBreak()
                render(k, &tb)
                tb.paragraphBreak()
            } else {
                render(k, &tb)
            }
            k = doc.nextSibling[Int(k)]
        }
    }
}
