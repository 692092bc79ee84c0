import Foundation
import KuzzleStandIn
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Final state and throughput")
    struct FinalStateTests {
        @Test(
            "100k writes, partial updates and deletes over 4 partitions and 3 collections end in Kuzzle exactly as modelled, with every offset committed"
        )
        func hundredThousandEventsLandExactly() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("final")
            var generator = TestEventGenerator(
                seed: 0x5EED_0001,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 5000
            )
            let events = generator.next(100_000)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            let deliveries = try await producer.send(events.map(\.message))
            await producer.close()
            let ends = highWatermarks(of: deliveries)
            #expect(ends.count == Int(IntegrationEnvironment.partitionCount))
            #expect(ends.values.reduce(0, +) == Int64(events.count))

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                let daemon = try DaemonProcess(
                    name: "bridge",
                    configuration: names.configuration(
                        bootstrap: bootstrap,
                        kuzzleURL: server.baseURL,
                        deadLetters: false
                    )
                )
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                let started = ContinuousClock.now
                try daemon.start()
                let allCommitted = await probe.waitUntilCommitted(ends, timeout: .seconds(150))
                let elapsed = ContinuousClock.now - started
                #expect(
                    allCommitted,
                    "offsets did not reach \(ends); committed \((try? probe.committed()) ?? [:])\n\(daemon.tail())"
                )
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(
                    "IntegrationTests throughput: \(events.count) events in \(String(format: "%.1f", seconds)) s "
                        + "(daemon start to all committed, group join included) = \(Int(Double(events.count) / seconds)) events/s"
                )

                #expect(try probe.committed() == ends)
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)
                #expect(!daemon.log.contains("Partition halted"), "\(daemon.tail())")

                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
            }
        }
    }
}
