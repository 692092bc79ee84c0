import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
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
                // What is committed, Kuzzle holds: each document is in a state at or after its last committed event
                // (writes superseded within a batch are never sent, so counting writes would not do).
                let unacknowledged = Self.documentsBehindCommits(
                    events: before + during,
                    deliveries: deliveries,
                    committed: late,
                    actual: try StandInHelpers.documents(of: server, index: names.index, collections: names.collections)
                )
                #expect(unacknowledged.isEmpty, "committed past what Kuzzle holds for \(unacknowledged.prefix(10))")
                #expect(late.values.reduce(0, +) < ends.values.reduce(0, +), "the outage did not hold anything back")
                #expect(outageLog.contains("Kuzzle write failed, retrying"), "\(daemon.tail())")
                for sign in ["Partitions revoked", "Partitions lost", "Partitions assigned", "rebalance"] {
                    #expect(
                        !outageLog.contains(sign),
                        "the consumer lost its group during the outage (\(sign))\n\(outageLog.suffix(3000))"
                    )
                }

                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))
                #expect(daemon.log(from: logOffset).contains("Kuzzle write recovered"))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)

                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
            }
        }

        /// The documents whose Kuzzle state is none of the states their events lead to from their last committed
        /// event on (an empty result means no commit passed an event Kuzzle had not acknowledged).
        static func documentsBehindCommits(
            events: [TestEvent],
            deliveries: [KafkaProducer.Delivery],
            committed: [Int32: Int64],
            actual: [DocumentKey: DocumentBody]
        ) -> [DocumentKey] {
            var eventsByDocument: [DocumentKey: [(event: TestEvent, committed: Bool)]] = [:]
            for (event, delivery) in zip(events, deliveries) {
                let isCommitted = delivery.offset < committed[delivery.partition] ?? 0
                eventsByDocument[event.document, default: []].append((event, isCommitted))
            }
            var behind: [DocumentKey] = []
            for (document, history) in eventsByDocument {
                var body: DocumentBody?
                var allowed: [DocumentBody?] = []
                let committedCount = history.filter(\.committed).count
                if committedCount == 0 { allowed.append(nil) }
                for (position, entry) in history.enumerated() {
                    body = ExpectedState.applying(entry.event, to: body)
                    if position + 1 >= committedCount { allowed.append(body) }
                }
                if !allowed.contains(where: { $0 == actual[document] }) { behind.append(document) }
            }
            return behind.sorted()
        }
    }
}
