import Foundation
import Logging
import Testing

/// What the integration tests need from their surroundings: the broker started by `scripts/brokers.sh start`, the
/// `kuzzle-bridge` binary, unique names and a polling helper.
enum IntegrationEnvironment {
    /// The number of partitions the mock cluster gives an auto-created topic.
    static let partitionCount: Int32 = 4

    /// A quiet logger for the test's own Kafka clients (`KB_TEST_LOG=1` shows their debug lines).
    static let logger: Logger = {
        var logger = Logger(label: "integration-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["KB_TEST_LOG"] == "1" ? .debug : .critical
        return logger
    }()

    /// The mock cluster's bootstrap servers; fails the test (never a silent skip) when the variable is missing.
    static func mockBootstrap(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let value = ProcessInfo.processInfo.environment["KB_MOCK_BOOTSTRAP"] ?? ""
        try #require(
            !value.isEmpty,
            "KB_MOCK_BOOTSTRAP is not set: run `bash scripts/brokers.sh start; set -a; . .run/brokers.env; set +a` first (scripts/test.sh does it)",
            sourceLocation: sourceLocation
        )
        return value
    }

    /// The `kuzzle-bridge` executable: `$KB_BRIDGE_BINARY`, else `kuzzle-bridge` next to the test bundle.
    static func bridgeBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let url: URL
        if let path = environment["KB_BRIDGE_BINARY"], !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
            var directory = executable.deletingLastPathComponent()
            // Inside an .xctest bundle (Darwin) the executable sits in Contents/MacOS.
            while directory.pathComponents.count > 1, directory.lastPathComponent != "debug",
                directory.lastPathComponent != "release", directory.path.contains(".xctest")
            {
                directory.deleteLastPathComponent()
            }
            url = directory.appendingPathComponent("kuzzle-bridge")
        }
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "no kuzzle-bridge executable at \(url.path): run `swift build --product kuzzle-bridge` or set KB_BRIDGE_BINARY",
            sourceLocation: sourceLocation
        )
        return url
    }

    /// `prefix-` followed by 8 random lowercase hex characters: valid as a topic, group, index or collection name.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
    static func eventually(
        timeout: Duration,
        interval: Duration = .milliseconds(100),
        _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: interval)
        }
    }
}

/// SplitMix64: a tiny seeded generator, so that every run of a test sees the same events and fault moments.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator; equal seeds give equal sequences.
    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
