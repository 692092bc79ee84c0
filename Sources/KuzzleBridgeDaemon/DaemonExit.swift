import ArgumentParser
import Foundation

/// The daemon's exit codes and its way of reporting to stderr before logging is set up.
enum DaemonExit {
    /// 78 (`EX_CONFIG` in sysexits.h): the configuration is invalid; systemd should not restart
    /// (`RestartPreventExitStatus=78`).
    static let configurationError = ExitCode(78)
    /// 1: a fatal runtime error; systemd may restart.
    static let runtimeFailure = ExitCode(1)

    /// Writes `kuzzle-bridge: <message>` and a newline to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("kuzzle-bridge: \(message)\n".utf8))
    }
}
