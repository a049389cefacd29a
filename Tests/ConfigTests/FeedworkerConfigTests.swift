import Testing
import TestSupport
@testable import Config

@Suite struct FeedworkerConfigTests {
    @Test func shippedFileIsTheDefaults() throws {
        let path = SharedCorpora.packageRoot.appendingPathComponent("Config/feedworker.toml").path
        let loaded = try FeedworkerConfig.load(path: path, environment: [:])
        #expect(loaded == FeedworkerConfig())
    }

    @Test func shippedFileMentionsEveryKey() throws {
        let path = SharedCorpora.packageRoot.appendingPathComponent("Config/feedworker.toml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in ConfigKey.all {
            let short = key.name.split(separator: ".")[1]
            #expect(text.contains("\n\(short) = "), "Config/feedworker.toml does not document \(key.name)")
        }
    }

    @Test func readsValuesAndPassthroughProperties() throws {
        let config = try FeedworkerConfig.parse("""
        [kafka]
        brokers = "k1:9092,k2:9092"
        [kafka.properties]
        "socket.timeout.ms" = 5000
        "enable.ssl.certificate.verification" = false
        [worker]
        roles = ["dedupe"]
        shutdown_timeout = "1500ms"
        max_in_flight_jobs = 8
        [metrics]
        interval = "2m"
        """)
        #expect(config.kafka.brokers == "k1:9092,k2:9092")
        #expect(config.kafka.properties == ["socket.timeout.ms": "5000", "enable.ssl.certificate.verification": "false"])
        #expect(config.worker.roles == [.dedupe])
        #expect(config.worker.shutdownTimeout == .milliseconds(1500))
        #expect(config.worker.maxInFlightJobs == 8)
        #expect(config.metrics.interval == .seconds(120))
        let props = config.kafkaProperties(clientSuffix: "x")
        #expect(props["bootstrap.servers"] == "k1:9092,k2:9092")
        #expect(props["client.id"] == "feedworker-x")
    }

    @Test func environmentOverridesFile() throws {
        let config = try FeedworkerConfig.parse("[store]\nretention_days = 7\n", environment: [
            "FEEDWORKER_STORE_RETENTION_DAYS": "9",
            "FEEDWORKER_WORKER_ROLES": "extract, dedupe",
            "FEEDWORKER_TOPICS_CLEAN": "x.clean",
            "FEEDWORKER_WORKER_SHUTDOWN_TIMEOUT": "5s",
            "FEEDWORKER_KAFKA_PROPERTY_SECURITY_PROTOCOL": "ssl",
            "FEEDWORKER_BIN": "/ignored",
            "PATH": "/bin",
        ])
        #expect(config.store.retentionDays == 9)
        #expect(config.worker.roles == [.extract, .dedupe])
        #expect(config.topics.clean == "x.clean")
        #expect(config.worker.shutdownTimeout == .seconds(5))
        #expect(config.kafka.properties["security.protocol"] == "ssl")
    }

    @Test func everyKeyHasAnEnvironmentName() {
        let names = ConfigKey.all.map(\.environmentName)
        #expect(Set(names).count == names.count)
        #expect(names.contains("FEEDWORKER_WORKER_MAX_IN_FLIGHT_JOBS"))
        #expect(names.contains("FEEDWORKER_KAFKA_BROKERS"))
    }

    @Test func unknownKeyNamesKeyAndLine() {
        #expect {
            _ = try FeedworkerConfig.parse("[worker]\n\nmax_inflight = 3\n", path: "f.toml")
        } throws: { error in
            guard let e = error as? ConfigError, case .unknownKey(let key, let line, _) = e else { return false }
            return key == "worker.max_inflight" && line == 3 && e.description.contains("f.toml:3")
        }
    }

    @Test(arguments: [
        ("[worker]\nmax_in_flight_jobs = \"ten\"", "worker.max_in_flight_jobs", 2),
        ("[worker]\nmax_in_flight_jobs = 0", "worker.max_in_flight_jobs", 2),
        ("[worker]\nroles = [\"extract\", \"fetch\"]", "worker.roles", 2),
        ("[worker]\nshutdown_timeout = \"soon\"", "worker.shutdown_timeout", 2),
        ("[log]\nlevel = \"loud\"", "log.level", 2),
        ("[kafka]\nbrokers = \"\"", "kafka.brokers", 2),
    ])
    func badValueNamesKeyAndLine(text: String, key: String, line: Int) {
        do {
            _ = try FeedworkerConfig.parse(text)
            Issue.record("expected an error")
        } catch {
            guard case .badValue(let k, let l, _, _) = error else { Issue.record("\(error)"); return }
            #expect(k == key)
            #expect(l == line)
        }
    }

    @Test func badEnvironmentNamesVariable() {
        #expect(throws: ConfigError.badEnvironment(variable: "FEEDWORKER_STORE_RETENTION_DAYS", reason: "expected an integer, got 'x'")) {
            _ = try FeedworkerConfig.parse("", environment: ["FEEDWORKER_STORE_RETENTION_DAYS": "x"])
        }
        #expect(throws: ConfigError.self) {
            _ = try FeedworkerConfig.parse("", environment: ["FEEDWORKER_STORE_RETENTON_DAYS": "3"])
        }
    }

    @Test func renderedConfigReadsBackToTheSameConfig() throws {
        var config = FeedworkerConfig()
        config.kafka.properties = ["linger.ms": "20", "sasl.username": "a \"b\""]
        config.worker.shutdownTimeout = .milliseconds(2500)
        config.worker.roles = [.dedupe]
        let again = try FeedworkerConfig.parse(config.rendered())
        #expect(again == config)
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: ConfigError.self) {
            _ = try FeedworkerConfig.load(path: "/nonexistent/feedworker.toml", environment: [:])
        }
    }
}
