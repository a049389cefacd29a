import Foundation

/// Locates the project's checkout and the `../shared` folder beside it (corpora, seeds, tools).
///
/// Tests that need `../shared` call `SharedCorpora.root` and skip with a clear message when it
/// is nil; corpus files are never copied into the project.
public enum SharedCorpora {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `$FEEDWORKER_SHARED`, else `<package root>/../shared`, if it exists.
    public static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["FEEDWORKER_SHARED"], !env.isEmpty {
            return FileManager.default.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// Why a corpus test is skipped, for `.enabled(if:)` comments and log lines.
    public static let missingMessage =
        "../shared not found beside the checkout (set FEEDWORKER_SHARED to its path): corpus test skipped"

    /// The feedworker executable built alongside the tests (`$FEEDWORKER_BIN` overrides).
    public static var feedworkerBinary: URL {
        if let env = ProcessInfo.processInfo.environment["FEEDWORKER_BIN"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        for config in ["debug", "release"] {
            let url = packageRoot.appendingPathComponent(".build/\(config)/feedworker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/feedworker")
    }
}
