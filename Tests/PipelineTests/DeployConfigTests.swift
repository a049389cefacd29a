import Config
import Foundation
import Testing
import TestSupport

/// The deploy files agree with the real configuration loader (Sources/Config): the example config
/// and the Kubernetes ConfigMap's file parse, and every `FEEDWORKER_*` variable a deploy file sets
/// is one the loader accepts (it rejects unknown ones at startup).
struct DeployConfigTests {
    private func read(_ relative: String) throws -> String {
        try String(contentsOf: SharedCorpora.packageRoot.appendingPathComponent("deploy/\(relative)"), encoding: .utf8)
    }

    @Test func exampleConfigParsesWithTheRealLoader() throws {
        let config = try FeedworkerConfig.parse(try read("feedworker.toml.example"), path: "feedworker.toml.example")
        #expect(config.worker.shutdownTimeout == .seconds(30))
        #expect(config.store.path == "/var/lib/feedworker")
    }

    @Test func configMapFileParsesWithTheRealLoader() throws {
        let yaml = try read("k8s/configmap.yaml")
        // The block scalar under `feedworker.toml: |`, de-indented by four spaces.
        var lines: [String] = []
        var inside = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  feedworker.toml: |") { inside = true; continue }
            if inside {
                if line.isEmpty { lines.append(""); continue }
                guard line.hasPrefix("    ") else { break }
                lines.append(String(line.dropFirst(4)))
            }
        }
        #expect(lines.count > 5)
        let config = try FeedworkerConfig.parse(lines.joined(separator: "\n"), path: "configmap.yaml")
        #expect(config.log.format == "json")
    }

    @Test func everyDeployEnvironmentVariableIsAcceptedByTheLoader() throws {
        let files = ["systemd/feedworker.service", "systemd/feedworker@.service", "container/Dockerfile", "compose.yaml",
                     "k8s/configmap.yaml", "k8s/statefulset.yaml"]
        var used: Set<String> = []
        for file in files {
            var rest = Substring(try read(file))
            while let range = rest.range(of: "FEEDWORKER_") {
                let name = rest[range.lowerBound...].prefix { $0.isUppercase || $0 == "_" }
                if name.count > "FEEDWORKER_".count && !name.hasSuffix("_") { used.insert(String(name)) }
                rest = rest[range.upperBound...]
            }
        }
        #expect(used.contains("FEEDWORKER_KAFKA_GROUP_INSTANCE_ID"))
        #expect(used.contains("FEEDWORKER_HEALTH_FILE"))
        let known = Set(ConfigKey.all.map(\.environmentName)).union(["FEEDWORKER_CONFIG"])
        for name in used.sorted() {
            #expect(known.contains(name), "\(name) is set by a deploy file but the config loader rejects it")
        }
        // And each one applies with a plausible value.
        let samples = ["FEEDWORKER_KAFKA_GROUP_INSTANCE_ID": "host-a", "FEEDWORKER_HEALTH_FILE": "/tmp/fw.healthy",
                       "FEEDWORKER_WORKER_SHUTDOWN_TIMEOUT": "30s", "FEEDWORKER_METRICS_PROMETHEUS_LISTEN": "127.0.0.1:9464"]
        let config = try FeedworkerConfig.load(path: nil, environment: samples)
        #expect(config.kafka.groupInstanceID == "host-a")
        #expect(config.health.file == "/tmp/fw.healthy")
        #expect(config.metrics.prometheusListen == "127.0.0.1:9464")
    }
}
