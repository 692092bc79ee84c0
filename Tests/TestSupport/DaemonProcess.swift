import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One real `kuzzle-bridge run --config FILE` child process (or the test daemon's, `kuzzle-bridge-testd --config
/// FILE` with test flags): its configuration file and log live in a temporary directory; standard output and error
/// both go to the log file.
public final class DaemonProcess {
    /// How a process ended.
    public struct Exit: CustomStringConvertible {
        /// The exit code, or the signal number when ``signalled``.
        public var status: Int32
        /// Whether a signal ended the process.
        public var signalled: Bool

        /// `exit code N` or `killed by signal N`.
        public var description: String { signalled ? "killed by signal \(status)" : "exit code \(status)" }
    }

    /// Which executable runs.
    public enum Executable: Sendable {
        /// The shipped daemon, `kuzzle-bridge run`.
        case bridge
        /// The test daemon, `kuzzle-bridge-testd` with these test flags (e.g. `--wedge-poll-after 1s`).
        case testDaemon(flags: [String])
    }

    /// The name used in the log's start lines and in failure messages.
    public let name: String
    /// The configuration file.
    public let configurationURL: URL
    /// The log file (standard output and error of every start).
    public let logURL: URL
    private let binary: URL
    private let leadingArguments: [String]
    private let trailingArguments: [String]
    private var process: Process?
    private var logHandle: FileHandle?
    private var starts = 0

    /// Writes the configuration file (nothing runs before ``start()``).
    public init(name: String, configuration: DaemonConfiguration, executable: Executable = .bridge) throws {
        self.name = name
        switch executable {
        case .bridge:
            binary = try TestEnvironment.bridgeBinary()
            (leadingArguments, trailingArguments) = (["run"], [])
        case .testDaemon(let flags):
            binary = try TestEnvironment.testDaemonBinary()
            (leadingArguments, trailingArguments) = ([], flags)
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent(uniqueName("kb-it-\(name)"))
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
    public func start() throws {
        starts += 1
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        handle.write(Data("--- test: start #\(starts) of \(name) ---\n".utf8))
        let process = Process()
        process.executableURL = binary
        process.arguments = leadingArguments + ["--config", configurationURL.path] + trailingArguments
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

    /// Whether the process runs.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Sends SIGTERM (graceful stop).
    public func terminate() {
        signal(SIGTERM)
    }

    /// Sends SIGKILL (a crash: nothing is flushed or committed).
    public func kill() {
        signal(SIGKILL)
    }

    /// Sends SIGSTOP: the process freezes (as in a VM pause) until ``resume()``.
    public func freeze() {
        signal(SIGSTOP)
    }

    /// Sends SIGCONT to a process frozen by ``freeze()``.
    public func resume() {
        signal(SIGCONT)
    }

    /// The running process's id (`nil` before ``start()``).
    public var processIdentifier: Int32? { process?.processIdentifier }

    /// SIGKILL if still running, then reaps it (for cleanup after a failed test).
    public func killIfRunning() {
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
    public func waitForExit(timeout: Duration) async -> Exit? {
        guard let process else { return nil }
        let exited = await eventually(timeout: timeout, interval: .milliseconds(50)) {
            !process.isRunning
        }
        guard exited else { return nil }
        try? logHandle?.close()
        logHandle = nil
        return Exit(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Everything the daemon wrote so far (all starts).
    public var log: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// The log from `offset` (a previous ``log`` length, in UTF-8 bytes) on.
    public func log(from offset: Int) -> String {
        let data = (try? Data(contentsOf: logURL)) ?? Data()
        return String(decoding: data.dropFirst(offset), as: UTF8.self)
    }

    /// The log's current size in bytes.
    public var logSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: logURL.path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// Waits until the log from `offset` on contains `text`; returns whether it did within `timeout`.
    public func waitForLog(_ text: String, from offset: Int = 0, timeout: Duration) async -> Bool {
        await eventually(timeout: timeout, interval: .milliseconds(100)) {
            log(from: offset).contains(text)
        }
    }

    /// The last `lines` lines of the log, for failure messages.
    public func tail(_ lines: Int = 40) -> String {
        "--- \(name) log (\(logURL.path)), last \(lines) lines ---\n"
            + log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
