import ArgumentParser
import Articles
import Extraction
import Fetch
import Foundation
import Logging
import Pipeline

/// `feedworker fetch URL`: fetches one URL through the worker's client, limits and address guard,
/// extracts the articles with `DocumentExtractor`, and prints both (the operator's way to see what the
/// worker would do with a URL).
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch one URL with the worker's HTTP client, limits and SSRF guard; print the extracted articles.",
        discussion: """
        Prints the fetch result (status, final URL, redirects, content type and charset, validators, \
        size, timing) and the articles DocumentExtractor finds in the body (--format json: one JSON \
        object {"fetch": ..., "kind": ..., "articles": [...], "warnings": [...]}). A 304 has no articles. \
        A refusal or error goes to stderr with its code and a non-zero exit status (2 = refused by the \
        guard or scheme, 1 = any other fetch or extraction failure). \
        The guard refuses loopback/private/link-local/... addresses; --allow opens a CIDR range, \
        optionally one port: --allow 127.0.0.0/8, --allow 10.1.2.3/32:8080, --allow '[::1]:8080'.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The http(s) URL to fetch.")
    var url: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .long, help: "CIDR range (optionally :port) the address guard lets through. Repeatable.")
    var allow: [String] = []

    @Option(name: .long, help: "Send If-None-Match with this ETag.")
    var etag: String?

    @Option(name: .long, help: "Send If-Modified-Since with this date.")
    var lastModified: String?

    @Option(name: .long, help: "Start from the [fetch] section of this TOML configuration (limits, guard, allowlist, User-Agent), as the worker does; the other options override it.")
    var config: String?

    @Option(name: .long, help: "Maximum (decoded) body size in bytes (default: fetch.max_body_bytes, 10485760).")
    var maxBodyBytes: Int?

    @Option(name: .long, help: "Total timeout in seconds, all redirect hops (default: fetch.total_timeout, 30).")
    var timeout: Double?

    @Option(name: .long, help: "Contact URL named in the User-Agent (default: fetch.contact_url).")
    var contact: String?

    @Flag(name: .long, help: "Also print the body (as UTF-8, lossy).")
    var body = false

    @Flag(name: .long, help: "Only fetch; do not run the extractor.")
    var noExtract = false

    func validate() throws {
        for entry in allow where AllowRule(entry) == nil {
            throw ValidationError("--allow \(entry): expected a CIDR range such as 127.0.0.0/8, optionally :port")
        }
        if let maxBodyBytes, maxBodyBytes <= 0 { throw ValidationError("--max-body-bytes must be positive") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        var configuration = FetchConfiguration()
        if let config {
            let settings = try loadConfigOrExit(config)
            do { configuration = try HTTPDocumentSource.settings(from: settings).0 } catch {
                FileHandle.standardError.write(Data("feedworker: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        configuration.addressGuard.allowlist += allow.compactMap(AllowRule.init)
        if let maxBodyBytes { configuration.maxBodyBytes = maxBodyBytes }
        if let timeout { configuration.totalTimeout = .milliseconds(Int64(timeout * 1000)) }
        if let contact { configuration.contactURL = contact }
        var logger = Logger(label: "feedworker.fetch")
        logger.logLevel = .warning
        let fetcher = HTTPFetcher(configuration: configuration, logger: logger)
        defer { fetcher.shutdown() }
        let request = FetchRequest(url: url, validators: Validators(etag: etag, lastModified: lastModified), usesValidatorCache: false)
        let response: FetchResponse
        do {
            response = try await fetcher.fetch(request)
        } catch {
            FileHandle.standardError.write(Data("feedworker fetch: \(error.code): \(error)\n".utf8))
            switch error {
            case .refused, .unsupportedScheme: throw ExitCode(2)
            default: throw ExitCode(1)
            }
        }
        var extracted: ExtractedDocument?
        var extractionFailure: String?
        if !noExtract && !response.notModified && (200..<300).contains(response.status) {
            let context = ExtractionContext(url: response.finalURL, fetchedAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)),
                                            contentType: response.contentType)
            do {
                extracted = try DocumentExtractor().extract(response.body, context: context)
            } catch {
                extractionFailure = "\(error.code): \(error)"
            }
        }
        switch format {
        case .json:
            var fields = ["\"fetch\":" + Self.json(response, includeBody: body)]
            if let extracted {
                let articles = try JSONSerialization.data(withJSONObject: extracted.articles.map(ArticleJSON.object),
                                                          options: [.sortedKeys, .withoutEscapingSlashes])
                fields.append("\"kind\":\(Self.quote(extracted.kind.rawValue))")
                fields.append("\"articles\":" + String(decoding: articles, as: UTF8.self))
                fields.append("\"warnings\":[\(extracted.warnings.map(Self.quote).joined(separator: ","))]")
            }
            print("{" + fields.joined(separator: ",") + "}")
        case .text:
            print(Self.text(response, includeBody: body))
            if let extracted {
                print("\nkind:          \(extracted.kind.rawValue)")
                print("articles:      \(extracted.articles.count)")
                for warning in extracted.warnings { print("warning:       \(warning)") }
                for article in extracted.articles {
                    print("")
                    print("  title:     \(article.title)")
                    if let url = article.url { print("  url:       \(url)") }
                    if let published = article.publishedAt { print("  published: \(ArticleJSON.rfc3339(published))") }
                    if !article.authors.isEmpty { print("  authors:   \(article.authors.joined(separator: ", "))") }
                    print("  text:      \(article.text.split(separator: " ").count) words: \(article.text.prefix(160))\(article.text.count > 160 ? "…" : "")")
                }
            } else if response.notModified {
                print("\nnot modified: no articles")
            }
        }
        if let extractionFailure {
            FileHandle.standardError.write(Data("feedworker fetch: extraction failed: \(extractionFailure)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func text(_ response: FetchResponse, includeBody: Bool) -> String {
        var lines: [String] = []
        lines.append("status:        \(response.status)\(response.notModified ? " (not modified)" : "") \(response.httpVersion)")
        lines.append("url:           \(response.requestedURL)")
        for hop in response.redirects { lines.append("redirect:      \(hop.status) -> \(hop.to)") }
        lines.append("final url:     \(response.finalURL)")
        lines.append("remote:        \(response.remoteAddress ?? "-")")
        lines.append("content-type:  \(response.contentType ?? "-")")
        lines.append("charset:       \(response.charset ?? "- (not in Content-Type; the parser checks BOM and the document)")")
        lines.append("etag:          \(response.validators.etag ?? "-")")
        lines.append("last-modified: \(response.validators.lastModified ?? "-")")
        lines.append("body bytes:    \(response.body.count)")
        lines.append("timing:        queued \(ms(response.timing.queued)) ms, connect \(ms(response.timing.connect)) ms, "
                     + "first byte \(ms(response.timing.firstByte)) ms, total \(ms(response.timing.total)) ms")
        lines.append("headers:")
        for header in response.headers { lines.append("  \(header.name): \(header.value)") }
        if includeBody { lines.append(""); lines.append(String(decoding: response.body, as: UTF8.self)) }
        return lines.joined(separator: "\n")
    }

    static func json(_ response: FetchResponse, includeBody: Bool) -> String {
        var fields: [String] = [
            "\"status\":\(response.status)",
            "\"not_modified\":\(response.notModified)",
            "\"http_version\":\(quote(response.httpVersion))",
            "\"url\":\(quote(response.requestedURL))",
            "\"final_url\":\(quote(response.finalURL))",
            "\"redirects\":[\(response.redirects.map { "{\"status\":\($0.status),\"from\":\(quote($0.from)),\"to\":\(quote($0.to))}" }.joined(separator: ","))]",
            "\"remote_address\":\(response.remoteAddress.map(quote) ?? "null")",
            "\"content_type\":\(response.contentType.map(quote) ?? "null")",
            "\"charset\":\(response.charset.map(quote) ?? "null")",
            "\"etag\":\(response.validators.etag.map(quote) ?? "null")",
            "\"last_modified\":\(response.validators.lastModified.map(quote) ?? "null")",
            "\"body_bytes\":\(response.body.count)",
            "\"timing_ms\":{\"queued\":\(ms(response.timing.queued)),\"connect\":\(ms(response.timing.connect)),\"first_byte\":\(ms(response.timing.firstByte)),\"total\":\(ms(response.timing.total))}",
            "\"headers\":[\(response.headers.map { "[\(quote($0.name)),\(quote($0.value))]" }.joined(separator: ","))]",
        ]
        if includeBody { fields.append("\"body\":\(quote(String(decoding: response.body, as: UTF8.self)))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    private static func ms(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
