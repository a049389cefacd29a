import Foundation
import Testing
import TestSupport

/// Runs the built `feedworker extract` on a folder with good and bad files.
@Suite struct ExtractCommandTests {
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path) }

    /// Runs the built binary; stderr goes through a file so that a full pipe cannot block it.
    static func extract(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("fw-extract-stderr-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let p = Process()
        p.executableURL = SharedCorpora.feedworkerBinary
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stderr = String(decoding: (try? Data(contentsOf: errFile)) ?? Data(), as: UTF8.self)
        return (p.terminationStatus, stdout, stderr)
    }

    @Test(.enabled(if: ExtractCommandTests.binaryExists, "feedworker binary not built: CLI test skipped"))
    func badFilesDoNotStopTheBatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-extract-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]).write(to: dir.appendingPathComponent("a-image.png"))
        try Data(HTMLArticleExtractorTests.page().utf8).write(to: dir.appendingPathComponent("b-bridge.html"))
        try Data().write(to: dir.appendingPathComponent("c-empty.html"))
        let (status, stdout, stderr) = try Self.extract(["extract", dir.path, "--format", "corpus", "--fetched-at", "2025-08-16T12:00:00Z"])
        #expect(status == 0)
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
        let (_, stdout, _) = try Self.extract(["extract", dir.path, "--format", "corpus"])
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
        let (status, stdout, _) = try Self.extract(["extract", dir.path, "--format", "corpus", "--fetched-at", "2025-08-16T12:00:00Z"])
        #expect(status == 0)
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
