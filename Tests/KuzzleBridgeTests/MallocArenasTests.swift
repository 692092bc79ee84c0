import Foundation
import TestSupport
import Testing

/// The daemon limits glibc's malloc arenas at start unless `MALLOC_ARENA_MAX` is set (its start line says which).
@Suite struct MallocArenasTests {
    @Test(.timeLimit(.minutes(1)), arguments: [(nil, "malloc.arenas=1"), ("4", "malloc.arenas=MALLOC_ARENA_MAX")])
    func theStartLineSaysWhichArenaLimitApplies(variable: String?, expected: String) async throws {
        // No Kuzzle at this URL: the daemon logs its start, then waits for Kuzzle until stopped.
        let config = try writeDaemonConfig(
            bootstrap: "127.0.0.1:1",
            kuzzleURL: "http://127.0.0.1:1",
            topic: "kb-arenas",
            group: "kb-arenas"
        )
        let environment = variable.map { ["MALLOC_ARENA_MAX": $0] } ?? [:]
        let daemon = try DaemonProcess(["run", "--config", config], environment: environment)
        #expect(
            await eventually(timeout: .seconds(20)) { daemon.text.contains("starting kuzzle-bridge") },
            "output:\n\(daemon.text)"
        )
        #expect(await daemon.stop() == 0)
        let start = daemon.text.split(separator: "\n").first { $0.contains("starting kuzzle-bridge") }
        #expect(start?.contains(expected) == true, "output:\n\(daemon.text)")
    }
}
