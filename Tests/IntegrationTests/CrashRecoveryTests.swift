import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Crash recovery")
    struct CrashRecoveryTests {
        @Test("A daemon killed with SIGKILL at three seeded moments and restarted each time loses nothing")
        func killedThreeTimesLosesNothing() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("crash")
            var generator = TestEventGenerator(
                seed: 0x5EED_0002,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 2000
            )
            let events = generator.next(40_000)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            let ends = highWatermarks(of: try await producer.send(events.map(\.message)))
            await producer.close()
            var random = SeededGenerator(seed: 0x5EED_0003)

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                // No dead-letter topic: a replay after a crash must never be refused for good (a replayed update of a
                // document deleted by a later event counts as done), so no partition may halt.
                let daemon = try DaemonProcess(
                    name: "bridge",
                    configuration: names.configuration(
                        bootstrap: bootstrap,
                        kuzzleURL: server.baseURL,
                        deadLetters: false
                    )
                )
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                for kill in 1...3 {
                    // Kill once Kuzzle has acknowledged about kill/4 of the events (replays included), ± 8 %.
                    let fraction = Double(kill) / 4 + Double.random(in: -0.08...0.08, using: &random)
                    let threshold = Int(fraction * Double(events.count))
                    let reached = await IntegrationEnvironment.eventually(
                        timeout: .seconds(90),
                        interval: .milliseconds(10)
                    ) {
                        server.counters.documentsWritten >= threshold
                    }
                    #expect(reached, "kill \(kill): Kuzzle never got \(threshold) writes\n\(daemon.tail())")
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...150, using: &random)))
                    daemon.kill()
                    let exit = await daemon.waitForExit(timeout: .seconds(10))
                    #expect(
                        exit?.signalled == true && exit?.status == SIGKILL,
                        "kill \(kill): \(exit.map(\.description) ?? "still running")"
                    )
                    print(
                        "IntegrationTests crash: kill \(kill) after \(server.counters.documentsWritten) writes; committed \((try? probe.committed()) ?? [:])"
                    )
                    try daemon.start()
                }

                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(120))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)
                #expect(server.counters.documentsWritten >= events.count)

                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()

                #expect(!daemon.log.contains("Partition halted"), "a replay halted a partition")
            }
        }
    }
}
