import ArgumentParser
import Foundation
@_spi(Testing) import KuzzleBridge
import Logging

/// `kuzzle-bridge-testd`: the daemon's `run` with test-only behaviours switched on by flags. Built for the test suites
/// only; never installed (the shipped `kuzzle-bridge` has none of these switches).
@main
struct TestDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kuzzle-bridge-testd",
        abstract: "Test-only: run the bridge like `kuzzle-bridge run`, with test behaviours."
    )

    @Option(help: ArgumentHelp("The YAML configuration file.", valueName: "path"))
    var config: String

    @Option(
        help: ArgumentHelp(
            "Once ready, stop the consumer's poll loop after this delay (e.g. 1s), as a wedged librdkafka would.",
            valueName: "duration"
        )
    )
    var wedgePollAfter: String?

    @Flag(help: "Writers ignore the send-time lease (the zombie test's control run).")
    var disableSendLease = false
    @Flag(help: "Send every write request with strict, notifying ones included (shows the trap of realtime.md §1).")
    var forceStrict = false

    func validate() throws {
        if let wedgePollAfter, ConfigurationUnits.parseDuration(wedgePollAfter) == nil {
            throw ValidationError("--wedge-poll-after: not a duration: \(wedgePollAfter)")
        }
    }

    func run() async throws {
        let configuration: BridgeConfiguration
        do {
            configuration = try BridgeConfiguration.load(path: config, sources: .process)
        } catch {
            FileHandle.standardError.write(Data("kuzzle-bridge-testd: \(config): \(error)\n".utf8))
            throw ExitCode(78)
        }
        var hooks = PipelineHooks()
        hooks.testWedgePollingAfter = wedgePollAfter.flatMap(ConfigurationUnits.parseDuration)
        hooks.testDisableSendLease = disableSendLease
        hooks.testForcesStrict = forceStrict
        guard
            await BridgeDaemon.runLogged(
                configuration: configuration,
                startupMetadata: ["test_daemon": "true"],
                hooks: hooks
            )
        else {
            throw ExitCode(1)
        }
    }
}
