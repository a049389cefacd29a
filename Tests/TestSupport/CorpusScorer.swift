import Foundation

/// Runs one of `../shared/tools`' scorers (score-articles, score-snippets) on predictions made in
/// a test, and reads its output: the JSON report and the `key=value` summary on the last line.
public enum CorpusScorer {
    public struct Report {
        /// The scorer's exit status.
        public var status: Int32
        /// The JSON object printed before the summary line.
        public var json: [String: Any]
        /// The last line, as printed.
        public var summaryLine: String
        /// The numeric `key=value` fields of the last line.
        public var summary: [String: Double]
    }

    /// Writes `predictions` to a temporary file and runs `python3 <shared>/tools/<tool> <truth> <file>`.
    public static func run(_ tool: String, shared: URL, truth: URL, predictions: [String: Any]) throws -> Report {
        try run(tool, shared: shared, truth: truth, predictionsJSON: JSONSerialization.data(withJSONObject: predictions))
    }

    /// The same, for predictions already encoded as JSON.
    public static func run(_ tool: String, shared: URL, truth: URL, predictionsJSON: Data) throws -> Report {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("feedworker-\(tool)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json")
        try predictionsJSON.write(to: out)
        defer { try? FileManager.default.removeItem(at: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", shared.appendingPathComponent("tools/\(tool)").path, truth.path, out.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n")
        let last = String(lines.last ?? "")
        let jsonPart = lines.dropLast().joined(separator: "\n")
        let json = (try? JSONSerialization.jsonObject(with: Data(jsonPart.utf8))) as? [String: Any] ?? [:]
        var summary: [String: Double] = [:]
        for field in last.split(separator: " ") {
            let kv = field.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { summary[String(kv[0])] = v }
        }
        return Report(status: p.terminationStatus, json: json, summaryLine: last, summary: summary)
    }
}
