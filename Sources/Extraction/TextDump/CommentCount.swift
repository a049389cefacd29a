/// The header of a comment section that gives the count: "11 responses to “Title”", "142 Antworten
/// zu „…“", "3 Kommentare", "12 comments", "5 réponses à …": a number, then the word for comments
/// or replies, then the line's end or what they answer. Blog and CMS themes print it in every
/// language; the main story ends there (`TextDumpExtractor.beforeComments`).
enum CommentCount {
    /// The words after the count, lower case.
    static let words: [[UInt8]] = [
        "comments", "comment", "responses", "response", "replies", "reply", "thoughts on",
        "kommentare", "kommentar", "antworten", "antwort", "reaktionen",
        "commentaires", "commentaire", "réponses", "réponse", "comentarios", "comentario", "respuestas", "respuesta",
        "commenti", "commento", "risposte", "comentários", "reacties", "reactie", "komentarze", "komentarzy",
    ].map { Array($0.utf8) }

    /// Whether `line` is such a header (letters compared without ASCII case).
    static func matches(_ line: ArraySlice<UInt8>) -> Bool {
        var i = line.startIndex
        while i < line.endIndex, line[i] >= 0x30 && line[i] <= 0x39 { i += 1 }
        let digits = i - line.startIndex
        guard digits > 0, digits <= 5, i < line.endIndex, line[i] == 0x20 else { return false }
        i += 1
        for w in words where CreditLine.hasPrefixIgnoringCase(line[i...], w) {
            let e = i + w.count
            if e == line.endIndex || line[e] == 0x20 || line[e] == 0x3A { return true }
        }
        return false
    }

    /// Whether `line` is such a header.
    static func matches(_ line: [UInt8]) -> Bool { matches(line[...]) }

    /// Whether a count of comments starts at a word anywhere in `text`: the post-meta line of a
    /// blog theme ("14. Juni 2019 | von Jane Doe | 0 Comments").
    static func occurs(in text: ArraySlice<UInt8>) -> Bool {
        var i = text.startIndex
        while i < text.endIndex {
            let b = text[i]
            if b >= 0x30 && b <= 0x39, i == text.startIndex || !(Keywords.isWordByte(text[i - 1]) || text[i - 1] == 0x2E || text[i - 1] == 0x2C) {
                if matches(text[i...]) { return true }
                while i < text.endIndex, text[i] >= 0x30 && text[i] <= 0x39 { i += 1 }
                continue
            }
            i += 1
        }
        return false
    }
}
