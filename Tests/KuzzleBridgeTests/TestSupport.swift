import Foundation
import Synchronization

@testable import KuzzleBridge

/// A log sink keeping every line in memory, for assertions.
final class RecordingLogSink: LogLineSink {
    private let storage = Mutex<[String]>([])

    /// Every line written so far, newline included.
    var lines: [String] { storage.withLock { $0 } }

    func write(line: String) {
        storage.withLock { $0.append(line) }
    }
}

/// A wall clock the test moves by hand.
final class ManualLogClock: Sendable {
    private let current: Mutex<LogTimestamp>

    init(_ start: LogTimestamp = LogTimestamp(seconds: 1_795_000_000)) {
        current = Mutex(start)
    }

    /// The current instant.
    func now() -> LogTimestamp { current.withLock { $0 } }

    /// Moves the clock forward.
    func advance(by duration: Duration) {
        current.withLock { time in
            let (seconds, attoseconds) = duration.components
            var nanoseconds = time.nanoseconds + attoseconds / 1_000_000_000
            var wholeSeconds = time.seconds + seconds
            if nanoseconds >= 1_000_000_000 {
                nanoseconds -= 1_000_000_000
                wholeSeconds += 1
            }
            time = LogTimestamp(seconds: wholeSeconds, nanoseconds: nanoseconds)
        }
    }
}

/// Error thrown by the in-memory file reader for a path it does not hold.
struct MissingTestFile: Error, CustomStringConvertible {
    let path: String
    var description: String { "no such file" }
}

extension ConfigurationSources {
    /// Sources with the given environment and in-memory files.
    static func testing(environment: [String: String] = [:], files: [String: String] = [:]) -> ConfigurationSources {
        ConfigurationSources(environment: environment) { path in
            guard let content = files[path] else { throw MissingTestFile(path: path) }
            return content
        }
    }
}

/// The smallest valid configuration text, plus `extra` YAML appended at top level.
func minimalYAML(_ extra: String = "") -> String {
    "kafka:\n  topics: [orders]\n" + extra
}

/// Loads `yaml` with test sources; rethrows the configuration error.
func loadConfiguration(_ yaml: String, sources: ConfigurationSources = .testing()) throws -> BridgeConfiguration {
    try BridgeConfiguration.load(yaml: yaml, sources: sources)
}

/// The error loading `yaml` throws, or `nil` when it loads.
func configurationError(_ yaml: String, sources: ConfigurationSources = .testing()) -> ConfigurationError? {
    do {
        _ = try BridgeConfiguration.load(yaml: yaml, sources: sources)
        return nil
    } catch let error as ConfigurationError {
        return error
    } catch {
        return .malformedYAML(reason: "unexpected error type: \(error)")
    }
}

/// The repository's root directory (three levels above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
