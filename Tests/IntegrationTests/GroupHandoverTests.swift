import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Group hand-over")
    struct GroupHandoverTests {
        @Test(
            "Two daemons share a group; the one stopped with SIGTERM mid-stream exits 0 in time and the survivor finishes"
        )
        func survivorTakesOverAfterSigterm() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("handover")
            var generator = TestEventGenerator(
                seed: 0x5EED_0008,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 2000
            )
            let events = generator.next(40_000)
            let drainTimeout = 15

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: false
                )
                configuration.drainTimeout = "\(drainTimeout)s"
                let survivor = try DaemonProcess(name: "survivor", configuration: configuration)
                let leaver = try DaemonProcess(name: "leaver", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic, lanes: 64)
                // The topic must exist before the first daemon subscribes: one chunk first, the rest paced.
                let chunks = stride(from: 0, to: events.count, by: 1000).map {
                    Array(events[$0..<min($0 + 1000, events.count)])
                }
                var deliveries = try await producer.send(chunks[0].map(\.message))
                try survivor.start()
                try #require(
                    await survivor.waitForLog("Partitions assigned", timeout: .seconds(30)),
                    "\(survivor.tail())"
                )
                let production = Task {
                    var sent: [KafkaProducer.Delivery] = []
                    for chunk in chunks.dropFirst() {
                        sent += try await producer.send(chunk.map(\.message))
                        try await Task.sleep(for: .milliseconds(350))
                    }
                    return sent
                }

                try leaver.start()
                try #require(await leaver.waitForLog("Partitions assigned", timeout: .seconds(30)), "\(leaver.tail())")
                // Let the leaver write for a while before stopping it.
                try await Task.sleep(for: .seconds(3))
                let survivorLogOffset = survivor.logSize
                let stopAsked = ContinuousClock.now
                leaver.terminate()
                let exit = await leaver.waitForExit(timeout: .seconds(drainTimeout + 10))
                let stopTook = ContinuousClock.now - stopAsked
                #expect(
                    exit?.status == 0 && exit?.signalled == false,
                    "leaver: \(exit.map(\.description) ?? "still running")\n\(leaver.tail())"
                )
                #expect(stopTook < .seconds(drainTimeout + 2), "the leaver took \(stopTook) to stop")
                #expect(
                    leaver.log.contains("Final offsets committed") || leaver.log.contains("Revocation finished"),
                    "\(leaver.tail())"
                )
                let leaverLines = leaver.log.split(separator: "\n").filter { $0.contains("Partitions assigned") }
                #expect(
                    leaverLines.contains { $0.contains("\(names.topic)/") },
                    "the leaver never owned a partition: \(leaverLines)"
                )

                deliveries += try await production.value
                await producer.close()
                let ends = highWatermarks(of: deliveries)
                let everyPartition = (0..<IntegrationEnvironment.partitionCount).map { "\(names.topic)/\($0)" }
                let tookOver = await survivor.waitForLog(
                    everyPartition.joined(separator: ","),
                    from: survivorLogOffset,
                    timeout: .seconds(30)
                )
                #expect(tookOver, "the survivor did not get every partition\n\(survivor.tail())")

                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: survivor, timeout: .seconds(90))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)

                survivor.terminate()
                let survivorExit = await survivor.waitForExit(timeout: .seconds(30))
                #expect(survivorExit?.status == 0 && survivorExit?.signalled == false)
                #expect(!survivor.log.contains("Partition halted") && !leaver.log.contains("Partition halted"))
                await probe.close()
            }
        }
    }
}
