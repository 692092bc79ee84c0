import Foundation
import Testing

/// A test broker started by `scripts/brokers.sh start` and described by `.run/brokers.env`.
enum TestBroker: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case mock
    case tansu

    /// Brokers named by `KB_TEST_BROKERS` (comma-separated; default `mock,tansu`; explicitly empty: none).
    static var selected: [TestBroker] {
        let raw = ProcessInfo.processInfo.environment["KB_TEST_BROKERS"] ?? "mock,tansu"
        return raw.split(separator: ",").compactMap { TestBroker(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Selected brokers that support the mock's fault injection.
    static var selectedWithFaultInjection: [TestBroker] { selected.filter { $0 == .mock } }

    var testDescription: String { rawValue }

    private var bootstrapVariable: String { self == .mock ? "KB_MOCK_BOOTSTRAP" : "KB_TANSU_BOOTSTRAP" }

    /// The bootstrap servers; records a failure (never a silent skip) when the variable is missing.
    func bootstrap(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let value = ProcessInfo.processInfo.environment[bootstrapVariable] ?? ""
        let hint = "run `bash scripts/brokers.sh start && set -a && . .run/brokers.env && set +a`"
        try #require(
            !value.isEmpty,
            "\(bootstrapVariable) is not set: \(hint), or choose brokers with KB_TEST_BROKERS",
            sourceLocation: sourceLocation
        )
        return value
    }
}

/// The mockbroker's control FIFO: sends a command and waits for its `OK <cmd>` answer.
enum MockControl {
    static func send(_ command: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let fifo = try #require(environment["KB_MOCK_CONTROL"], "KB_MOCK_CONTROL is not set")
        let output = try #require(environment["KB_MOCK_OUTPUT"], "KB_MOCK_OUTPUT is not set")
        let before = (try? Data(contentsOf: URL(fileURLWithPath: output)).count) ?? 0
        let handle = try #require(FileHandle(forWritingAtPath: fifo), "cannot open \(fifo)")
        handle.write(Data((command + "\n").utf8))
        try handle.close()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let data = try? Data(contentsOf: URL(fileURLWithPath: output)), data.count > before {
                let answer = String(decoding: data.dropFirst(before), as: UTF8.self)
                if answer.contains("OK \(command)") { return }
                if answer.contains("ERR \(command)") {
                    Issue.record("mockbroker refused `\(command)`: \(answer)")
                    return
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("mockbroker did not answer `\(command)` within 5 s")
    }
}
