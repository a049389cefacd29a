// swift-tools-version:6.2
//
// feedworker: a distributed feed-ingestion worker daemon.
//
// Dependencies are chosen for build cost (see README "Why these dependencies"):
// no swift-nio / BoringSSL stack. Kafka, SQLite, SHA-256 and HTTP come from Debian's
// C libraries (librdkafka, libsqlite3, OpenSSL libcrypto, libcurl) through thin module maps.
import PackageDescription

// No -Ounchecked: bounds and overflow checks stay on in the code that parses untrusted input, so a
// parser bug traps (and the job goes to the DLQ) instead of corrupting memory. Hot loops that need it
// use local unsafe buffers with their bounds reasoned in a comment (see docs/benchmarks.md).
let swiftSettings: [SwiftSetting] = []

let package = Package(
    name: "feedworker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "feedworker", targets: ["feedworker"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // MARK: C libraries from Debian
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // The job decoder's two vector loops in C, AVX2 with a runtime check: base64 bodies and the
        // JSON string scan (Swift's generic SIMD types are not specialized on this toolchain).
        // Small, audited, compared with the scalar Swift loops in tests, fuzzed under ASan.
        .target(name: "CSIMD"),

        // MARK: Pure libraries (bytes in, values out; no I/O)
        .target(name: "Normalization", dependencies: ["CCrypto"], swiftSettings: swiftSettings),
        .target(name: "Articles", dependencies: ["Normalization"], swiftSettings: swiftSettings),
        .target(name: "Feeds", dependencies: ["Articles", "Normalization"], swiftSettings: swiftSettings),
        .target(name: "Extraction", dependencies: ["Articles", "Normalization", "Feeds"], exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(name: "Stories", dependencies: [], exclude: ["README.md"], swiftSettings: swiftSettings),

        // MARK: Infrastructure
        .target(name: "Kafka", dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Storage", dependencies: ["CSQLite"]),
        .target(name: "Dedupe", dependencies: ["Storage", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Fetch", dependencies: ["CCurl", "Storage", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Telemetry", dependencies: [
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "Config", dependencies: []),

        // MARK: The worker
        .target(name: "Pipeline", dependencies: [
            "CSIMD", "Kafka", "Articles", "Extraction", "Dedupe", "Fetch", "Telemetry", "Config", "Stories", "Storage", "Normalization",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], exclude: ["README.md"]),

        // MARK: Benchmarks (the measuring behind `feedworker bench ...`)
        .target(name: "Benchmarks", dependencies: [
            "Pipeline", "Kafka", "Articles", "Extraction", "Feeds", "Dedupe", "Storage", "Fetch", "Telemetry", "Config", "Stories", "Normalization",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),

        // MARK: The command line (parses arguments and prints)
        .executableTarget(name: "feedworker", dependencies: [
            "Pipeline", "Benchmarks", "Normalization", "Kafka", "Extraction", "Feeds", "Articles", "Fetch", "Telemetry", "Config",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),

        // MARK: Tests (mirror Sources/)
        .target(name: "TestSupport", dependencies: ["Kafka"], path: "Tests/TestSupport"),
        .testTarget(name: "NormalizationTests", dependencies: ["Normalization", "TestSupport"]),
        .testTarget(name: "ArticlesTests", dependencies: ["Articles", "TestSupport"]),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds", "Articles", "TestSupport"]),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "Feeds", "Articles", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "DedupeTests", dependencies: ["Dedupe", "TestSupport"]),
        .testTarget(name: "StoriesTests", dependencies: ["Stories", "Normalization", "TestSupport"]),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "TestSupport"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "CSIMD", "Stories", "Normalization", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
