import Foundation
import Testing
import TestSupport

/// Runs the built `feedworker extract` on a folder with good and bad files.
@Suite struct ExtractCommandTests {
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path) }

    @Test(.enabled(if: ExtractCommandTests.binaryExists, "feedworker binary not built: CLI test skipped"))
    func badFilesDoNotStopTheBatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-extract-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]).write(to: dir.appendingPathComponent("a-image.png"))
        try Data(HTMLArticleExtractorTests.page().utf8).write(to: dir.appendingPathComponent("b-bridge.html"))
        try Data().write(to: dir.appendingPathComponent("c-empty.html"))
        let p = Process()
        p.executableURL = SharedCorpora.feedworkerBinary
        p.arguments = ["extract", dir.path, "--format", "corpus", "--fetched-at", "2025-08-16T12:00:00Z"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        let bridge = try #require(json["b-bridge"] as? [String: Any])
        #expect(bridge["title"] as? String == "Old bridge to close for repairs")
        #expect((bridge["articleBody"] as? String)?.contains("eighteen months") == true)
        #expect(stderr.contains("a-image.png"))
        #expect(stderr.contains("c-empty.html"))
    }

    /// Keys are the file name without its last extension only: names with dots in them
    /// (`die-partei.net.luebeck.html`) must not collide.
    @Test(.enabled(if: ExtractCommandTests.binaryExists, "feedworker binary not built: CLI test skipped"))
    func corpusKeysKeepDotsInFileNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-extract-keys-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = Data(HTMLArticleExtractorTests.page().utf8)
        for name in ["site.example.one.html", "site.example.two.html", "plain.htm"] {
            try page.write(to: dir.appendingPathComponent(name))
        }
        let p = Process()
        p.executableURL = SharedCorpora.feedworkerBinary
        p.arguments = ["extract", dir.path, "--format", "corpus"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let json = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        #expect(Set(json.keys) == ["site.example.one", "site.example.two", "plain"])
    }

    /// A text dump prints the article shape of score-articles: the main story's body, title,
    /// byline, time and language, plus `stories` with the other stories that carry prose.
    @Test(.enabled(if: ExtractCommandTests.binaryExists, "feedworker binary not built: CLI test skipped"))
    func textDumpInTheArticleShape() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-extract-dump-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/dump-lakeside-gazette.txt")
        try Data(contentsOf: fixture).write(to: dir.appendingPathComponent("lakeside.txt"))
        let p = Process()
        p.executableURL = SharedCorpora.feedworkerBinary
        p.arguments = ["extract", dir.path, "--format", "corpus", "--fetched-at", "2025-08-16T12:00:00Z"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        let page = try #require(json["lakeside"] as? [String: Any])
        #expect(page["entries"] == nil, "not the feed shape")
        #expect(page["title"] as? String == "Night ferry service returns to the lake after a two-year pause")
        #expect(page["byline"] as? String == "Tomasz Wierzbicki")
        #expect(page["publishedTime"] as? String == "2025-08-16T10:00:00Z")
        #expect(page["lang"] as? String == "en")
        let body = try #require(page["articleBody"] as? String)
        #expect(body.hasPrefix("The night ferry between Eastport"))
        #expect(body.hasSuffix("to match the new sailings."))
        let stories = try #require(page["stories"] as? [[String: Any]])
        #expect(stories.count == 1)
        #expect(stories.first?["title"] as? String == "Rowing club plans a festival on the north shore")
        #expect((stories.first?["body"] as? String)?.hasPrefix("The rowing club") == true)
    }
}
