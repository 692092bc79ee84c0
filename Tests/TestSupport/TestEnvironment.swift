import Foundation

/// What the tests need from their surroundings: the brokers started by `scripts/brokers.sh start` and the built
/// executables. A missing piece is an error naming how to provide it (a failure, never a silent skip).
public enum TestEnvironment {
    /// The repository's root directory.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The mock cluster's bootstrap servers (`$KB_MOCK_BOOTSTRAP`).
    public static func mockBootstrap() throws -> String {
        let value = ProcessInfo.processInfo.environment["KB_MOCK_BOOTSTRAP"] ?? ""
        guard !value.isEmpty else {
            throw TestSetupError(
                "KB_MOCK_BOOTSTRAP is not set: run `bash scripts/brokers.sh start; set -a; . .run/brokers.env; set +a` first (scripts/test.sh does it)"
            )
        }
        return value
    }

    /// The `kuzzle-bridge` executable: `$KB_BRIDGE_BINARY`, else `kuzzle-bridge` next to the test bundle, else
    /// `.build/debug/kuzzle-bridge`.
    public static func bridgeBinary() throws -> URL {
        let path = ProcessInfo.processInfo.environment["KB_BRIDGE_BINARY"] ?? ""
        return try executable(named: "kuzzle-bridge", first: path.isEmpty ? nil : URL(fileURLWithPath: path))
    }

    /// The test-only daemon `kuzzle-bridge-testd` (the daemon with test behaviours behind flags):
    /// `$KB_TEST_DAEMON_BINARY`, else next to `$KB_BRIDGE_BINARY`, else where ``bridgeBinary()`` looks.
    public static func testDaemonBinary() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let name = "kuzzle-bridge-testd"
        if let path = environment["KB_TEST_DAEMON_BINARY"], !path.isEmpty {
            return try executable(named: name, first: URL(fileURLWithPath: path))
        }
        let bridge = environment["KB_BRIDGE_BINARY"] ?? ""
        return try executable(
            named: name,
            first: bridge.isEmpty
                ? nil : URL(fileURLWithPath: bridge).deletingLastPathComponent().appendingPathComponent(name)
        )
    }

    private static func executable(named name: String, first: URL?) throws -> URL {
        var candidates: [URL] = []
        if let first {
            candidates.append(first)
        } else {
            candidates += defaultLocations(of: name)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestSetupError(
                "no \(name) executable at \(candidates.map(\.path)): run `swift build --build-tests` or set KB_BRIDGE_BINARY"
            )
        }
        return found
    }

    /// Next to the test bundle (the build's bin directory), then `.build/debug`.
    private static func defaultLocations(of name: String) -> [URL] {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = executable.deletingLastPathComponent()
        // Inside an .xctest bundle (Darwin) the executable sits in Contents/MacOS.
        while directory.pathComponents.count > 1, directory.lastPathComponent != "debug",
            directory.lastPathComponent != "release", directory.path.contains(".xctest")
        {
            directory.deleteLastPathComponent()
        }
        return [
            directory.appendingPathComponent(name), repositoryRoot.appendingPathComponent(".build/debug/\(name)"),
        ]
    }
}

/// A test's surroundings are missing something (a broker, a binary): thrown, so the test fails with this message.
public struct TestSetupError: Error, CustomStringConvertible {
    /// What is missing and how to provide it.
    public let description: String

    /// Creates the error.
    public init(_ description: String) {
        self.description = description
    }
}
