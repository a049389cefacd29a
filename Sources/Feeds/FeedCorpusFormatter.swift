import Articles

/// Formats parsed feeds in the predictions shape of `../shared/tools/score-feeds`:
/// `{"<id>": {"title": ..., "entries": [{"title", "link", "id", "published", "author"}]}}`.
public enum FeedCorpusFormatter {
    /// Writes the prediction object of one feed (`nil` feed → no entries) into `writer`.
    public static func write(_ feed: ParsedFeed?, into w: inout JSONWriter) {
        w.beginObject()
        w.key("title"); w.optionalString(feed?.title)
        w.key("entries")
        w.beginArray()
        for a in feed?.articles ?? [] {
            w.beginObject()
            w.key("title"); w.string(a.title)
            w.key("link"); w.optionalString(a.url)
            w.key("id"); w.optionalString(a.entryID)
            w.key("published"); w.optionalString(a.publishedAt.map(RFC3339.format))
            w.key("author"); w.optionalString(a.authors.first)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// The whole predictions document for `(id, feed)` pairs, in the order given.
    public static func encode(_ feeds: [(id: String, feed: ParsedFeed?)]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        for (id, feed) in feeds { w.key(id); write(feed, into: &w) }
        w.endObject()
        return w.bytes
    }
}
