// swift-tools-version: 6.1
import PackageDescription

/// Micro benchmarks of kuzzle-bridge's hot path (ordo-one/benchmark): `swift package --package-path Benchmarks
/// benchmark`. A separate package so that the daemon's own build never pulls the benchmark toolchain in.
let package = Package(
    name: "kuzzle-bridge-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "kuzzle-bridge", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BridgeCore", package: "kuzzle-bridge"),
                .product(name: "Kuzzle", package: "kuzzle-bridge"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/HotPath",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ]
)
