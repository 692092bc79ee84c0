import KuzzleStandIn
import TestSupport
import Testing

/// The checks every end-to-end scenario ends with, written once.
enum ScenarioChecks {
    /// Waits until the group's committed offsets reach `ends` (the high watermarks), or fails with the daemon's log tail.
    static func expectAllCommitted(
        _ probe: OffsetsProbe,
        _ ends: [Int32: Int64],
        daemon: DaemonProcess,
        timeout: Duration = .seconds(120),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let allCommitted = await probe.waitUntilCommitted(ends, timeout: timeout)
        #expect(
            allCommitted,
            "offsets did not reach \(ends); committed \((try? probe.committed()) ?? [:])\n\(daemon.tail())",
            sourceLocation: sourceLocation
        )
    }

    /// Expects the stand-in to hold exactly `expected` in the scenario's collections.
    static func expectFinalState(
        of server: StandInServer,
        names: ScenarioNames,
        equals expected: [DocumentKey: DocumentBody],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let actual = try StandInHelpers.documents(of: server, index: names.index, collections: names.collections)
        let difference = StandInHelpers.difference(expected: expected, actual: actual)
        #expect(difference == nil, "\(difference ?? "")", sourceLocation: sourceLocation)
    }

    /// Sends SIGTERM and expects a clean exit (status 0, not signalled) within `timeout`.
    static func expectCleanStop(
        _ daemon: DaemonProcess,
        timeout: Duration = .seconds(30),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        daemon.terminate()
        let exit = await daemon.waitForExit(timeout: timeout)
        #expect(
            exit?.status == 0 && exit?.signalled == false,
            "exit: \(exit.map(\.description) ?? "still running")\n\(daemon.tail())",
            sourceLocation: sourceLocation
        )
    }
}
