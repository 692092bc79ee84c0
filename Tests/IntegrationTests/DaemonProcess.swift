import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One real `kuzzle-bridge run --config FILE` child process: its configuration file and log live in a temporary
/// directory; standard output and error both go to the log file.
final class DaemonProcess {
    /// How a process ended.
    struct Exit: CustomStringConvertible {
        /// The exit code, or the signal number when ``signalled``.
        var status: Int32
        var signalled: Bool

        var description: String { signalled ? "killed by signal \(status)" : "exit code \(status)" }
    }

    let name: String
    let configurationURL: URL
    let logURL: URL
    private let binary: URL
    private var process: Process?
    private var logHandle: FileHandle?
    private var starts = 0

    /// Writes the configuration file (nothing runs before ``start()``).
    init(name: String, configuration: DaemonConfiguration) throws {
        self.name = name
        binary = try IntegrationEnvironment.bridgeBinary()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent(IntegrationEnvironment.uniqueName("kb-it-\(name)"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configurationURL = directory.appendingPathComponent("config.yaml")
        logURL = directory.appendingPathComponent("daemon.log")
        try Data(configuration.yaml.utf8).write(to: configurationURL)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    }

    deinit {
        killIfRunning()
    }

    /// Starts (or restarts, appending to the same log) the daemon.
    func start() throws {
        starts += 1
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        handle.write(Data("--- test: start #\(starts) of \(name) ---\n".utf8))
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", "--config", configurationURL.path]
        var environment = ProcessInfo.processInfo.environment
        environment["JOURNAL_STREAM"] = nil
        environment["NOTIFY_SOCKET"] = nil
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        logHandle = handle
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Sends SIGTERM (graceful stop).
    func terminate() {
        signal(SIGTERM)
    }

    /// Sends SIGKILL (a crash: nothing is flushed or committed).
    func kill() {
        signal(SIGKILL)
    }

    /// SIGKILL if still running, then reaps it (for cleanup after a failed test).
    func killIfRunning() {
        guard let process, process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }

    private func signal(_ number: Int32) {
        guard let process, process.isRunning else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(process.processIdentifier, number)
        #else
        _ = Darwin.kill(process.processIdentifier, number)
        #endif
    }

    /// Waits up to `timeout` for the process to exit; `nil` if it is still running.
    func waitForExit(timeout: Duration) async -> Exit? {
        guard let process else { return nil }
        let exited = await IntegrationEnvironment.eventually(timeout: timeout, interval: .milliseconds(50)) {
            !process.isRunning
        }
        guard exited else { return nil }
        try? logHandle?.close()
        logHandle = nil
        return Exit(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Everything the daemon wrote so far (all starts).
    var log: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// The log from `offset` (a previous ``log`` length, in UTF-8 bytes) on.
    func log(from offset: Int) -> String {
        let data = (try? Data(contentsOf: logURL)) ?? Data()
        return String(decoding: data.dropFirst(offset), as: UTF8.self)
    }

    /// The log's current size in bytes.
    var logSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: logURL.path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// Waits until the log from `offset` on contains `text`; returns whether it did within `timeout`.
    func waitForLog(_ text: String, from offset: Int = 0, timeout: Duration) async -> Bool {
        await IntegrationEnvironment.eventually(timeout: timeout, interval: .milliseconds(100)) {
            log(from: offset).contains(text)
        }
    }

    /// The last `lines` lines of the log, for failure messages.
    func tail(_ lines: Int = 40) -> String {
        "--- \(name) log (\(logURL.path)), last \(lines) lines ---\n"
            + log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
