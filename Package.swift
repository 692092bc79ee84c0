// swift-tools-version: 6.2
import PackageDescription

/// Settings every target of ours shares: Swift 6 mode (strict concurrency) and no warnings.
let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The test targets' settings: the same, except that a file may use the members of the shared TestSupport module's
/// types without importing it itself (each test target names them once, in a file that imports it).
let testSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kuzzle-bridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kuzzle-bridge", targets: ["KuzzleBridgeDaemon"]),
        .executable(name: "kuzzle-standin", targets: ["KuzzleStandInServer"]),
        // Test-only: the daemon with test behaviours behind flags, run by the test suites; never installed.
        .executable(name: "kuzzle-bridge-testd", targets: ["KuzzleBridgeTestDaemon"]),
        // For the micro benchmarks in Benchmarks/ (a separate package) only.
        .library(name: "BridgeCore", targets: ["BridgeCore"]),
        .library(name: "Kuzzle", targets: ["Kuzzle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: - C shim over Debian's librdkafka 2.0.2
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // glibc's <malloc.h>, for the daemon's malloc arena limit.
        .systemLibrary(name: "CGlibcMalloc"),

        // MARK: - Kafka layer: Swift over librdkafka, nothing Kuzzle-specific
        .target(
            name: "RdKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                // NIOAsyncSequenceProducer: the bounded hand-over of events from the poll thread.
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - The JSON scanner and document rules shared by the core and the Kuzzle client; no dependencies
        .target(
            name: "JSONScan",
            swiftSettings: strictSettings
        ),

        // MARK: - Bridge core: pure state machines, no I/O
        .target(
            name: "BridgeCore",
            dependencies: [
                "JSONScan",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Kuzzle 2 HTTP client
        .target(
            name: "Kuzzle",
            dependencies: [
                "JSONScan",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Daemon wiring, configuration, lifecycle, logging
        .target(
            name: "KuzzleBridge",
            dependencies: [
                "RdKafka",
                "JSONScan",
                "BridgeCore",
                "Kuzzle",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "KuzzleBridgeDaemon",
            dependencies: [
                "KuzzleBridge",
                "CGlibcMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Kuzzle stand-in: a server speaking Kuzzle 2's HTTP API, for tests, demo and benchmarks
        .target(
            name: "KuzzleStandIn",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "KuzzleStandInServer",
            dependencies: [
                "KuzzleStandIn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: - Tests
        // Helpers shared by the test targets: unique names, `eventually`, the seeded generator, the daemon process
        // wrappers, producing test data, the daemon configuration writer.
        .target(
            name: "TestSupport",
            dependencies: ["RdKafka", "BridgeCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        // `kuzzle-bridge-testd`: `kuzzle-bridge run` plus test-only behaviours (`@_spi(Testing)`) behind flags.
        .executableTarget(
            name: "KuzzleBridgeTestDaemon",
            dependencies: [
                "KuzzleBridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/KuzzleBridgeTestDaemon",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "JSONScanTests",
            dependencies: ["JSONScan", "TestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "RdKafkaTests",
            dependencies: ["RdKafka", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "BridgeCoreTests",
            dependencies: ["BridgeCore", "JSONScan", "TestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "KuzzleStandInTests",
            dependencies: [
                "KuzzleStandIn",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "KuzzleTests",
            dependencies: [
                "Kuzzle",
                "JSONScan",
                "TestSupport",
                "KuzzleStandIn",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "KuzzleBridgeTests",
            dependencies: [
                "KuzzleBridge",
                "TestSupport",
                "BridgeCore",
                "RdKafka",
                "KuzzleStandIn",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "KuzzleBridge",
                "TestSupport",
                "RdKafka",
                "Kuzzle",
                "KuzzleStandIn",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
    ]
)
