import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `kuzzle-bridge` (or test daemon) child process whose standard output and error are collected in memory.
public final class CapturedDaemonProcess: Sendable {
    private let process: Process
    private let output = CollectedText()

    /// Starts `kuzzle-bridge arguments…` (or `kuzzle-bridge-testd`, with `testDaemon`) with `environment` on top of a
    /// minimal one.
    public init(_ arguments: [String], environment: [String: String] = [:], testDaemon: Bool = false) throws {
        let process = Process()
        process.executableURL = try testDaemon ? TestEnvironment.testDaemonBinary() : TestEnvironment.bridgeBinary()
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        self.process = process
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
    }

    /// Everything printed so far.
    public var text: String { output.text.withLock { $0 } }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM and waits up to `timeout` for the exit (then SIGKILL). Returns the exit status.
    @discardableResult
    public func stop(timeout: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        _ = await eventually(timeout: timeout) { !process.isRunning }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            _ = await eventually(timeout: .seconds(5)) { !process.isRunning }
            return -9
        }
        return process.terminationStatus
    }

    /// Waits for the exit; returns the status.
    public func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        _ = await eventually(timeout: timeout) { !process.isRunning }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// Text appended from a reading thread.
public final class CollectedText: Sendable {
    /// The text so far.
    public let text = Mutex("")

    /// Creates an empty text.
    public init() {}
}
