import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests.DebeziumCDCTests {
    /// The final table of a simulation, as the stand-in's documents.
    static func expectedDocuments(_ simulation: SimulatedTable, names: ScenarioNames) -> [DocumentKey: DocumentBody] {
        var expected: [DocumentKey: DocumentBody] = [:]
        for (id, row) in simulation.table {
            expected[DocumentKey(index: names.index, collection: names.collections[0], id: id)] = row
        }
        return expected
    }

    @Test("10,000 simulated row histories over 4 partitions land equal to the simulated table")
    func simulatedTableLands() async throws {
        let bootstrap = try IntegrationEnvironment.mockBootstrap()
        let names = ScenarioNames("cdc-table")
        let simulation = SimulatedTable(rows: 10_000, seed: 0xCDC0_0001)
        let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
        let ends = highWatermarks(of: try await producer.send(simulation.messages))
        await producer.close()
        #expect(ends.count == 4, "the table's keys should spread over the topic's 4 partitions: \(ends)")

        try await Self.withBridge(
            names,
            bootstrap: bootstrap,
            format: "debezium",
            deadLetters: false
        ) { server, daemon, probe in
            await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(120))
            try ScenarioChecks.expectFinalState(
                of: server,
                names: names,
                equals: Self.expectedDocuments(simulation, names: names)
            )
            await ScenarioChecks.expectCleanStop(daemon)
            #expect(!daemon.log.contains("Partition halted"))
        }
    }

    @Test("The simulated table lands equal again when the daemon is SIGKILLed three times mid-run")
    func simulatedTableSurvivesKills() async throws {
        let bootstrap = try IntegrationEnvironment.mockBootstrap()
        let names = ScenarioNames("cdc-crash")
        let simulation = SimulatedTable(rows: 10_000, seed: 0xCDC0_0002)
        let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
        let ends = highWatermarks(of: try await producer.send(simulation.messages))
        await producer.close()
        var random = SeededGenerator(seed: 0xCDC0_0003)

        // No dead-letter topic: nothing of a replayed history may be refused for good.
        try await Self.withBridge(
            names,
            bootstrap: bootstrap,
            format: "debezium",
            deadLetters: false
        ) { server, daemon, probe in
            for kill in 1...3 {
                // Kill once Kuzzle has acknowledged about kill/5 of the operations (replays included), ± 5 %.
                let fraction = Double(kill) / 5 + Double.random(in: -0.05...0.05, using: &random)
                let threshold = Int(fraction * Double(simulation.operations))
                let reached = await IntegrationEnvironment.eventually(
                    timeout: .seconds(90),
                    interval: .milliseconds(10)
                ) {
                    server.counters.documentsWritten >= threshold
                }
                #expect(reached, "kill \(kill): Kuzzle never got \(threshold) writes\n\(daemon.tail())")
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...150, using: &random)))
                daemon.kill()
                if kill == 1 {
                    // Mid-run: the first kill leaves offsets to re-read.
                    let committed = (try? probe.committed()) ?? [:]
                    #expect(
                        !ends.allSatisfy { committed[$0.key] ?? 0 >= $0.value },
                        "killed after the end: \(committed)"
                    )
                }
                let exit = await daemon.waitForExit(timeout: .seconds(10))
                #expect(
                    exit?.signalled == true && exit?.status == SIGKILL,
                    "kill \(kill): \(exit.map(\.description) ?? "still running")"
                )
                try daemon.start()
            }
            await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(120))
            try ScenarioChecks.expectFinalState(
                of: server,
                names: names,
                equals: Self.expectedDocuments(simulation, names: names)
            )
            await ScenarioChecks.expectCleanStop(daemon)
            #expect(!daemon.log.contains("Partition halted"), "a replay halted a partition")
        }
    }
}
