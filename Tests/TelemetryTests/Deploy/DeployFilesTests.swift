import Foundation
import Testing
import TestSupport

/// Runs a program; returns exit status, stdout and stderr. `nil` when it cannot be started.
func runTool(_ arguments: [String], in directory: URL? = nil) -> (status: Int32, out: String, err: String)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do { try process.run() } catch { return nil }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

enum DeployTools {
    static let deploy = SharedCorpora.packageRoot.appendingPathComponent("deploy")
    static let hasSystemdAnalyze = runTool(["systemd-analyze", "--version"])?.status == 0
    static let hasPythonYAML = runTool(["python3", "-c", "import yaml"])?.status == 0
    /// apt-cache present and its package lists populated (libc6 is always in Debian).
    static let hasAptLists = runTool(["apt-cache", "show", "libc6"])?.status == 0
    static let hasDockerCompose = runTool(["docker", "compose", "version"])?.status == 0

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: deploy.appendingPathComponent(relative), encoding: .utf8)
    }

    /// `Key=Value` lines of a unit file (all values of repeated keys).
    static func unitSettings(_ text: String) -> [String: [String]] {
        var settings: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
        }
        return settings
    }

    static func seconds(_ value: String) -> Int? {
        value.hasSuffix("s") ? Int(value.dropLast()) : (value.hasSuffix("min") ? Int(value.dropLast(3)).map { $0 * 60 } : Int(value))
    }
}

@Suite struct SystemdUnitTests {
    static let units = ["feedworker.service", "feedworker@.service"]

    @Test(arguments: units)
    func unitDeclaresNotifyWatchdogAndHardening(_ name: String) throws {
        let settings = DeployTools.unitSettings(try DeployTools.read("systemd/\(name)"))
        #expect(settings["Type"] == ["notify"])
        #expect(settings["NotifyAccess"] == ["main"])
        #expect(settings["Restart"] == ["on-failure"])
        #expect(settings["DynamicUser"] == ["yes"])
        let watchdog = try #require(settings["WatchdogSec"]?.first.flatMap(DeployTools.seconds))
        #expect(watchdog >= 10)
        // Graceful shutdown (shutdown_timeout 30 s) plus producer flush (30 s) must fit in TimeoutStopSec.
        let stop = try #require(settings["TimeoutStopSec"]?.first.flatMap(DeployTools.seconds))
        #expect(stop > 30 + 30)
        let families = try #require(settings["RestrictAddressFamilies"]?.first).split(separator: " ")
        #expect(families.contains("AF_UNIX"), "the notify socket is AF_UNIX")
        #expect(Set(families) == ["AF_UNIX", "AF_INET", "AF_INET6"])
        for key in ["ProtectSystem", "ProtectHome", "PrivateTmp", "NoNewPrivileges", "SystemCallFilter",
                    "MemoryMax", "LimitNOFILE", "StateDirectory", "ConfigurationDirectory", "EnvironmentFile"] {
            #expect(settings[key] != nil, "\(name) sets \(key)")
        }
        #expect(settings["ProtectSystem"] == ["strict"])
        #expect(settings["SystemCallFilter"]?.contains("@system-service") == true)
        #expect(settings["EnvironmentFile"]?.allSatisfy { $0.hasPrefix("-") } == true, "env files are optional")
        let exec = try #require(settings["ExecStart"]?.first)
        #expect(exec.hasPrefix("/usr/local/bin/feedworker run --config /etc/feedworker/"))
    }

    @Test func templateGivesEachInstanceItsOwnConfigStoreAndMemberId() throws {
        let settings = DeployTools.unitSettings(try DeployTools.read("systemd/feedworker@.service"))
        #expect(settings["ExecStart"] == ["/usr/local/bin/feedworker run --config /etc/feedworker/%i.toml"])
        #expect(settings["StateDirectory"] == ["feedworker/%i"])
        #expect(settings["Environment"]?.contains("FEEDWORKER_KAFKA_GROUP_INSTANCE_ID=%H-%i") == true)
        #expect(settings["Environment"]?.contains("FEEDWORKER_STORE_PATH=%S/feedworker/%i") == true)
    }

    @Test(.enabled(if: DeployTools.hasSystemdAnalyze, "systemd-analyze not installed: unit verification skipped"),
          arguments: units)
    func systemdAnalyzeVerifyIsClean(_ name: String) throws {
        // verify needs ExecStart's binary to exist: check a copy that runs /bin/true instead.
        let text = try DeployTools.read("systemd/\(name)")
        let copy = text.replacingOccurrences(of: "ExecStart=/usr/local/bin/feedworker ", with: "ExecStart=/bin/true ")
        #expect(copy != text)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try copy.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        var target = name
        if name.hasSuffix("@.service") { // a template is verified through an instance
            target = "feedworker@check.service"
            try copy.write(to: dir.appendingPathComponent(target), atomically: true, encoding: .utf8)
        }
        let result = try #require(runTool(["systemd-analyze", "verify", "./\(target)"], in: dir))
        #expect(result.status == 0, "systemd-analyze verify failed: \(result.err)")
        // verify exits 0 on unknown keys and bad values; it reports them on stderr.
        #expect(result.err.isEmpty, "systemd-analyze verify warnings: \(result.err)")
    }
}

@Suite struct ContainerAndClusterFileTests {
    /// Loads every YAML file under deploy/ with PyYAML and prints one JSON document per file.
    static let yamlFiles = ["compose.yaml", "k8s/kustomization.yaml", "k8s/namespace.yaml", "k8s/configmap.yaml",
                            "k8s/service.yaml", "k8s/statefulset.yaml", "k8s/poddisruptionbudget.yaml",
                            "k8s/keda-scaledobject.yaml"]

    func loadYAML(_ relative: String) throws -> Any {
        let script = "import sys, yaml, json; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let path = DeployTools.deploy.appendingPathComponent(relative).path
        let result = try #require(runTool(["python3", "-c", script, path]))
        #expect(result.status == 0, "\(relative) does not parse: \(result.err)")
        return try JSONSerialization.jsonObject(with: Data(result.out.utf8))
    }

    @Test(.enabled(if: DeployTools.hasPythonYAML, "python3 with PyYAML not available (scripts/install-deps installs python3-yaml): YAML checks skipped"),
          arguments: yamlFiles)
    func yamlParses(_ relative: String) throws {
        let document = try #require(try loadYAML(relative) as? [String: Any])
        #expect(!document.isEmpty)
        if relative.hasPrefix("k8s/") && relative != "k8s/kustomization.yaml" {
            #expect(document["apiVersion"] is String && document["kind"] is String)
        }
    }

    @Test(.enabled(if: DeployTools.hasPythonYAML, "python3 with PyYAML not available: compose check skipped"))
    func composeRunsKRaftKafkaAndThreeWorkersWithDistinctMemberIds() throws {
        let compose = try #require(try loadYAML("compose.yaml") as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        let kafka = try #require(services["kafka"] as? [String: Any])
        let kafkaEnv = try #require(kafka["environment"] as? [String: Any])
        #expect((kafkaEnv["KAFKA_PROCESS_ROLES"] as? String) == "broker,controller", "single node KRaft")
        let workers = services.keys.filter { $0.hasPrefix("worker-") }.sorted()
        #expect(workers == ["worker-1", "worker-2", "worker-3"])
        var ids: Set<String> = []
        var volumes: Set<String> = []
        for name in workers {
            let worker = try #require(services[name] as? [String: Any])
            let env = try #require(worker["environment"] as? [String: Any])
            #expect(env["FEEDWORKER_KAFKA_BROKERS"] as? String == "kafka:9092")
            ids.insert(try #require(env["FEEDWORKER_KAFKA_GROUP_INSTANCE_ID"] as? String))
            volumes.formUnion(try #require(worker["volumes"] as? [String]))
            #expect((worker["build"] as? [String: Any])?["dockerfile"] as? String == "deploy/container/Dockerfile")
        }
        #expect(ids.count == 3, "static membership ids must be unique")
        #expect(volumes.count == 3, "each worker has its own store volume")
    }

    @Test(.enabled(if: DeployTools.hasPythonYAML, "python3 with PyYAML not available: k8s check skipped"))
    func statefulSetUsesPodNameAsMemberIdAndKeepsAStoreVolume() throws {
        let set = try #require(try loadYAML("k8s/statefulset.yaml") as? [String: Any])
        #expect(set["kind"] as? String == "StatefulSet")
        let spec = try #require(set["spec"] as? [String: Any])
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect((pod["terminationGracePeriodSeconds"] as? Int ?? 0) >= 90)
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let env = try #require(container["env"] as? [[String: Any]])
        let member = try #require(env.first { $0["name"] as? String == "FEEDWORKER_KAFKA_GROUP_INSTANCE_ID" })
        let fieldPath = ((member["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String
        #expect(fieldPath == "metadata.name")
        let claims = try #require(spec["volumeClaimTemplates"] as? [[String: Any]])
        let claimName = (claims.first?["metadata"] as? [String: Any])?["name"] as? String
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        #expect(mounts.contains { $0["name"] as? String == claimName && $0["mountPath"] as? String == "/var/lib/feedworker" })

        let scaled = try #require(try loadYAML("k8s/keda-scaledobject.yaml") as? [String: Any])
        let scaledSpec = try #require(scaled["spec"] as? [String: Any])
        #expect((scaledSpec["scaleTargetRef"] as? [String: Any])?["kind"] as? String == "StatefulSet")
        #expect((scaledSpec["maxReplicaCount"] as? Int ?? 99) <= 6, "no more replicas than the 6 partitions")
    }

    /// The package names from the `apt-get install` lines of a Dockerfile stage.
    static func aptPackages(inStage stage: String) throws -> [String] {
        let text = try DeployTools.read("container/Dockerfile")
        let joined = text.replacingOccurrences(of: "\\\n", with: " ")
        var inStage = false
        var packages: [String] = []
        for line in joined.split(separator: "\n") {
            if line.hasPrefix("FROM ") { inStage = line.hasSuffix(" AS \(stage)") }
            guard inStage, let install = line.range(of: "apt-get install") else { continue }
            let rest = line[install.upperBound...].split(separator: "&&")[0]
            packages += rest.split(separator: " ").filter { !$0.hasPrefix("-") }.map(String.init)
        }
        return packages
    }

    @Test func runtimeStageInstallsTheRuntimeLibraries() throws {
        let runtime = try Self.aptPackages(inStage: "runtime")
        for required in ["librdkafka1", "libsqlite3-0", "libcurl4", "libssl3"] {
            #expect(runtime.contains(required), "runtime image needs \(required)")
        }
        #expect(!runtime.contains { $0.hasSuffix("-dev") }, "no -dev packages at runtime")
        let text = try DeployTools.read("container/Dockerfile")
        #expect(text.contains("\nUSER feedworker"), "runs as non-root")
        #expect(text.contains("\nHEALTHCHECK "))
        #expect(text.contains("\nVOLUME [\"/var/lib/feedworker\"]"))
    }

    @Test(.enabled(if: DeployTools.hasAptLists, "apt-cache or its package lists missing (run apt-get update): Debian package check skipped"))
    func dockerfilePackagesExistInDebian() throws {
        let packages = try Self.aptPackages(inStage: "runtime") + Self.aptPackages(inStage: "build")
        #expect(packages.count >= 10)
        // One apt-cache call: it exits non-zero if any name is unknown, and prints a stanza per package.
        let result = try #require(runTool(["apt-cache", "show", "--no-all-versions"] + packages))
        #expect(result.status == 0, "apt-cache show: \(result.err)")
        for package in packages {
            #expect(result.out.contains("Package: \(package)\n"), "\(package) is not a Debian package")
        }
    }

    @Test(.enabled(if: DeployTools.hasDockerCompose, "docker compose plugin not available offline: `docker compose config` skipped"))
    func dockerComposeAcceptsTheFile() throws {
        let result = try #require(runTool(["docker", "compose", "-f", DeployTools.deploy.appendingPathComponent("compose.yaml").path, "config", "-q"]))
        #expect(result.status == 0, "docker compose config: \(result.err)")
    }
}

@Suite struct DeployConsistencyTests {
    /// Every `FEEDWORKER_*` variable a deploy file sets is documented in deploy/README.md's table and maps
    /// to a key of the example config (`FEEDWORKER_<SECTION>_<KEY>`), so the worker's config loader has one list
    /// to match.
    @Test func environmentOverridesAreDocumentedAndMatchConfigKeys() throws {
        let files = ["systemd/feedworker.service", "systemd/feedworker@.service", "container/Dockerfile", "compose.yaml",
                     "k8s/configmap.yaml", "k8s/statefulset.yaml"]
        var used: Set<String> = []
        for file in files {
            let text = try DeployTools.read(file)
            var rest = Substring(text)
            while let range = rest.range(of: "FEEDWORKER_") {
                let name = rest[range.lowerBound...].prefix { $0.isUppercase || $0 == "_" }
                if name.count > "FEEDWORKER_".count { used.insert(String(name)) } // not the "FEEDWORKER_<SECTION>_<KEY>" pattern
                rest = rest[range.upperBound...]
            }
        }
        #expect(used.count >= 6)
        let readme = try DeployTools.read("README.md")
        let example = try DeployTools.read("feedworker.toml.example")
        for name in used.sorted() {
            #expect(readme.contains("| `\(name)` |"), "\(name) is missing from the README's table")
            // The key (last part, lowercased) appears in the example config, commented or not.
            let parts = name.dropFirst("FEEDWORKER_".count).lowercased()
            let matched = ["kafka_", "store_", "metrics_", "log_", "health_", "worker_", "topics_", "groups_"].contains { section in
                parts.hasPrefix(section) && example.contains("\(parts.dropFirst(section.count)) =")
            } || example.contains("\(parts) =")
            #expect(matched, "\(name) has no key in feedworker.toml.example")
        }
    }

    /// The graceful-stop budget is the same everywhere: systemd TimeoutStopSec, compose stop_grace_period,
    /// Kubernetes terminationGracePeriodSeconds.
    @Test func stopTimeoutsAgree() throws {
        let unit = DeployTools.unitSettings(try DeployTools.read("systemd/feedworker.service"))
        let stop = try #require(unit["TimeoutStopSec"]?.first.flatMap(DeployTools.seconds))
        #expect(try DeployTools.read("compose.yaml").contains("stop_grace_period: \(stop)s"))
        #expect(try DeployTools.read("k8s/statefulset.yaml").contains("terminationGracePeriodSeconds: \(stop)"))
    }
}

