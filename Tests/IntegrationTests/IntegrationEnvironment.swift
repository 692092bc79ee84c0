import Foundation
import Logging
import TestSupport
import Testing

/// What the integration tests need from their surroundings: the broker started by `scripts/brokers.sh start`, the
/// `kuzzle-bridge` binary, unique names and a polling helper (most from the shared TestSupport module).
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

    /// The `kuzzle-bridge` executable (see ``TestEnvironment/bridgeBinary()``).
    static func bridgeBinary() throws -> URL {
        try TestEnvironment.bridgeBinary()
    }

    /// A unique name (see ``TestSupport/uniqueName(_:)``).
    static func uniqueName(_ prefix: String) -> String {
        TestSupport.uniqueName(prefix)
    }

    /// Polls `condition` every `interval` until it holds or `timeout` passes (see ``TestSupport/eventually``).
    static func eventually(
        timeout: Duration,
        interval: Duration = .milliseconds(100),
        _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        try await TestSupport.eventually(timeout: timeout, interval: interval, condition)
    }
}
