import Foundation
import KuzzleStandIn
import Testing

extension IntegrationTests {
    @Suite("Kuzzle outage")
    struct KuzzleOutageTests {
        @Test(
            "During 30 s of 503 from Kuzzle no offset moves, the consumer keeps its partitions, and everything lands afterwards"
        )
        func outageHoldsOffsetsAndKeepsTheGroup() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("outage")
            var generator = TestEventGenerator(
                seed: 0x5EED_0004,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 2000
            )
            let before = generator.next(20_000)
            let during = generator.next(10_000)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            var deliveries = try await producer.send(before.map(\.message))

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: false
                )
                configuration.maxBackoff = "2s"
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                let started = await IntegrationEnvironment.eventually(timeout: .seconds(60), interval: .milliseconds(5))
                {
                    server.counters.documentsWritten >= 3000
                }
                try #require(started, "the bridge wrote nothing\n\(daemon.tail())")

                server.faults.setOverloaded(true)
                let outageStart = ContinuousClock.now
                let logOffset = daemon.logSize
                // More events arrive while Kuzzle is down.
                deliveries += try await producer.send(during.map(\.message))
                await producer.close()
                let ends = highWatermarks(of: deliveries)

                try await Task.sleep(until: outageStart + .seconds(5))
                let early = try probe.committed()
                let writtenEarly = server.counters.documentsWritten
                try await Task.sleep(until: outageStart + .seconds(30))
                let late = try probe.committed()
                let writtenLate = server.counters.documentsWritten
                let outageLog = daemon.log(from: logOffset)
                server.faults.setOverloaded(false)

                #expect(early == late, "committed offsets moved during the outage: \(early) → \(late)")
                #expect(writtenEarly == writtenLate, "Kuzzle wrote documents while failing every request")
                // Each event of the single ordered run is exactly one write, so committed events ≤ Kuzzle's writes.
                #expect(
                    late.values.reduce(0, +) <= Int64(writtenLate),
                    "committed \(late) but Kuzzle wrote \(writtenLate)"
                )
                #expect(late.values.reduce(0, +) < ends.values.reduce(0, +), "the outage did not hold anything back")
                #expect(outageLog.contains("Kuzzle write failed, retrying"), "\(daemon.tail())")
                for sign in ["Partitions revoked", "Partitions lost", "Partitions assigned", "rebalance"] {
                    #expect(
                        !outageLog.contains(sign),
                        "the consumer lost its group during the outage (\(sign))\n\(outageLog.suffix(3000))"
                    )
                }

                let allCommitted = await probe.waitUntilCommitted(ends, timeout: .seconds(90))
                #expect(
                    allCommitted,
                    "offsets did not reach \(ends); committed \((try? probe.committed()) ?? [:])\n\(daemon.tail())"
                )
                #expect(daemon.log(from: logOffset).contains("Kuzzle write recovered"))
                let actual = try StandInHelpers.documents(
                    of: server,
                    index: names.index,
                    collections: names.collections
                )
                let difference = StandInHelpers.difference(expected: generator.model.documents, actual: actual)
                #expect(difference == nil, "\(difference ?? "")")

                daemon.terminate()
                let exit = await daemon.waitForExit(timeout: .seconds(30))
                #expect(
                    exit?.status == 0 && exit?.signalled == false,
                    "exit: \(exit.map(\.description) ?? "still running")"
                )
                await probe.close()
            }
        }
    }
}
