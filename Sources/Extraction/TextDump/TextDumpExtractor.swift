import Articles

/// Extracts articles from a plain-text page dump.
public struct TextDumpExtractor: Sendable {
    public init() {}
    public func extract(_ bytes: [UInt8], context: ExtractionContext) throws(ExtractionError) -> [Article] {
        throw .noArticle(reason: "text dumps not yet supported")
    }
}
