/// A photo caption printed as one dump line with its credit at the end, after a label:
/// "The striking staff outside the college last year. Photograph: Jo Doe/Getty Images",
/// "Die Spielerin nach dem Sieg Bild: AFP/SID", "Vista del puerto. Foto: Agencia".
///
/// `CreditLine` catches credit lines that open with their label and captions ending in "© …";
/// `LineClassifier` captions ending in a bracketed credit. This is the unbracketed form: a credit
/// label starting a word within the last 70 bytes, not at the line's start, followed by 2–60 bytes
/// without a sentence end (a name or an agency, not more prose). Captions are not story text for the
/// reason they are not on pages (two sites carrying one story caption different photos).
enum CaptionCredit {
    /// Credit labels, lower case (compared without ASCII case).
    static let labels: [[UInt8]] = [
        "foto:", "fotos:", "photo:", "photos:", "photograph:", "photography:", "bild:", "bilder:", "credit:", "credits:",
        "image:", "images:", "picture:", "quelle:", "fuente:", "crédit:", "crédits:", "crédito:", "créditos:", "imagen:",
    ].map { Array($0.utf8) }

    /// The length of the shortest label.
    static let minLabel = labels.map(\.count).min() ?? 1

    /// Whether `line` ends in "<label> <credit>" (see the type's description).
    static func endsInCredit(_ line: ArraySlice<UInt8>) -> Bool {
        let lo = line.startIndex, hi = line.endIndex
        guard hi - lo > 12 else { return false }
        // Every label ends in ":" with 2–60 bytes after it: no colon in that window, no credit (most
        // lines; this keeps the label search off them). A label starts at least `minLabel - 1` bytes
        // before its colon, so the last colon of the window bounds where one can start.
        let window = max(lo, hi - 61)
        var c = hi - 3
        while c >= window && line[c] != 0x3A { c -= 1 }
        guard c >= window else { return false }
        var p = max(lo + 1, hi - 70)
        let end = min(hi - 2, c - minLabel + 2)
        while p < end {
            defer { p += 1 }
            let prev = line[p - 1]
            // A label starts a word: after a space or an opening bracket, with a letter.
            guard prev == 0x20 || prev == 0x28, line[p] | 0x20 >= 0x61 && line[p] | 0x20 <= 0x7A else { continue }
            for l in labels where CreditLine.hasPrefixIgnoringCase(line[p...], l) {
                let tail = line[(p + l.count)...]
                if tail.count >= 2 && tail.count <= 60 && !hasSentenceEnd(tail) { return true }
            }
        }
        return false
    }

    /// `.`, `!` or `?` followed by a space: the tail goes on with another sentence.
    static func hasSentenceEnd(_ b: ArraySlice<UInt8>) -> Bool {
        var k = b.startIndex
        while k + 1 < b.endIndex {
            let c = b[k]
            if (c == 0x2E || c == 0x21 || c == 0x3F) && b[k + 1] == 0x20 { return true }
            k += 1
        }
        return false
    }
}
