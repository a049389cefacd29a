/// Picture credits and source lines set as blocks of their own: "Foto: Sean Gallup/Getty Images",
/// "Titelbild: …/picture-alliance", "(Credit: Clayton Aldern / Grist)", "© Bundesrat | Frank
/// Bräuer", "Quelle: Deutscher Jagdverband (DJV), 02. Februar 2022", and short captions that end
/// in a credit ("Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO").
///
/// Credits are not article text here for the reason captions are not (`isCredit`): two sites
/// carrying one story credit different photos, and the body's hash would differ.
enum CreditLine {
    /// Labels that open a credit line, lower case, compared without ASCII case after leading
    /// white space, `(` and `[` (block text is raw source bytes, so "©" comes as an entity too).
    static let labels: [[UInt8]] = [
        "©", "&copy;", "&#169;", "&#xa9;", "(c) ", "copyright ", "foto:", "fotos:", "foto ©", "photo:", "photos:", "photograph:", "photo credit",
        "bild:", "bilder:", "titelbild:", "titelfoto:", "credit:", "credits:", "image:", "images:", "picture:",
        "quelle:", "source:", "fuente:", "crédit:", "crédits:", "crédito:", "créditos:", "imagen:", "illustration:",
    ].map { Array($0.utf8) }

    /// Is `text` (a leaf block's folded text of `length` characters) a credit line?
    static func matches(_ text: ArraySlice<UInt8>, length: Int, sentences: Int) -> Bool {
        guard length <= 160 else { return false }
        var start = text.startIndex
        while start < text.endIndex, text[start] == 32 || text[start] == 0x28 || text[start] == 0x5B { start += 1 }
        let rest = text[start...]
        if sentences <= 1, labels.contains(where: { hasPrefixIgnoringCase(rest, $0) }) { return true }
        // A short caption that ends in "© Agency / Name": the © within the last 60 bytes.
        if let c = lastCopyrightSign(text), text.endIndex - c <= 60, c > text.startIndex { return true }
        return false
    }

    static func hasPrefixIgnoringCase(_ s: ArraySlice<UInt8>, _ p: [UInt8]) -> Bool {
        guard s.count >= p.count else { return false }
        var i = s.startIndex
        for b in p {
            let x = s[i]
            if (x >= 65 && x <= 90 ? x | 0x20 : x) != b { return false }
            i += 1
        }
        return true
    }

    /// Offset of the last "©" (C2 A9, `&copy;`, `&#169;`) in `text`.
    static func lastCopyrightSign(_ text: ArraySlice<UInt8>) -> Int? {
        var i = text.endIndex - 2
        while i >= text.startIndex {
            if text[i] == 0xC2, text[i + 1] == 0xA9 { return i }
            if text[i] == 0x26, hasPrefixIgnoringCase(text[i...], copyEntity) || hasPrefixIgnoringCase(text[i...], copyNumeric) { return i }
            i -= 1
        }
        return nil
    }

    static let copyEntity = Array("&copy;".utf8), copyNumeric = Array("&#169;".utf8)
}
