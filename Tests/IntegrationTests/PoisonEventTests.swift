import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Poison events")
    struct PoisonEventTests {
        @Test(
            "With a dead-letter topic, 1% poison events land there with error headers and original key and value, the rest lands in Kuzzle"
        )
        func poisonEventsAreDeadLettered() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("poison")
            var generator = TestEventGenerator(
                seed: 0x5EED_0005,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 2000
            )
            let events = generator.next(19_800)
            var random = SeededGenerator(seed: 0x5EED_0006)
            let kinds = PoisonEvent.Kind.allCases
            let poison = (0..<200).map { number in
                PoisonEvent(
                    kind: kinds[number % kinds.count],
                    index: names.index,
                    collection: names.collections[number % names.collections.count],
                    id: "poison-\(number)"
                )
            }
            // Poison events at seeded positions among the others (their ids are never written).
            var messages = events.map(\.message)
            var poisonPositions: [Int] = []
            for event in poison {
                let position = Int.random(in: 0...messages.count, using: &random)
                messages.insert(event.message, at: position)
            }
            let poisonValues = Set(poison.map(\.value))
            for (position, message) in messages.enumerated() where poisonValues.contains(message.value ?? []) {
                poisonPositions.append(position)
            }
            #expect(poisonPositions.count == poison.count)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            let deliveries = try await producer.send(messages)
            await producer.close()
            let ends = highWatermarks(of: deliveries)
            var poisonSources: [[UInt8]: KafkaProducer.Delivery] = [:]
            for position in poisonPositions { poisonSources[messages[position].value ?? []] = deliveries[position] }

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                server.faults.rejectDocuments(
                    StandInDocumentRejection(field: PoisonEvent.rejectedField, value: PoisonEvent.rejectedValue)
                )
                let daemon = try DaemonProcess(
                    name: "bridge",
                    configuration: names.configuration(
                        bootstrap: bootstrap,
                        kuzzleURL: server.baseURL,
                        deadLetters: true
                    )
                )
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(120))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()

                let letters = try await DeadLetterReader.read(
                    topic: names.deadLetterTopic,
                    bootstrap: bootstrap,
                    expected: poison.count
                )
                #expect(
                    letters.count == poison.count,
                    "\(letters.count) dead letters for \(poison.count) poison events"
                )
                var seen = Set<[UInt8]>()
                for letter in letters {
                    let value = letter.value ?? []
                    guard let event = poison.first(where: { $0.value == value }), let source = poisonSources[value]
                    else {
                        Issue.record("a dead letter that is no poison event: \(String(decoding: value, as: UTF8.self))")
                        continue
                    }
                    seen.insert(value)
                    #expect(letter.key == event.key)
                    #expect(letter.header("kuzzle-bridge-source-topic") == names.topic)
                    #expect(letter.header("kuzzle-bridge-source-partition") == String(source.partition))
                    #expect(letter.header("kuzzle-bridge-source-offset") == String(source.offset))
                    #expect(letter.header("kuzzle-bridge-reason")?.isEmpty == false)
                    let kind = letter.header("kuzzle-bridge-error") ?? ""
                    if event.kind == .rejectedByKuzzle {
                        #expect(kind == "kuzzle:rejected", "\(event.kind): \(letter.headers)")
                        #expect(letter.header("kuzzle-bridge-status") == "400")
                        #expect(letter.header("kuzzle-bridge-id") == String(decoding: event.key, as: UTF8.self))
                    } else {
                        #expect(kind.hasPrefix("decoding:"), "\(event.kind): \(letter.headers)")
                    }
                }
                #expect(
                    seen.count == poison.count,
                    "\(poison.count - seen.count) poison event(s) missing from the dead-letter topic"
                )
            }
        }

        @Test("Without a dead-letter topic, a poison event halts only its partition; the others finish")
        func poisonHaltsOnlyItsPartition() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("halt")
            var generator = TestEventGenerator(
                seed: 0x5EED_0007,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 1000
            )
            let first = generator.next(8000)
            let modelBeforePoison = generator.model
            let second = generator.next(4000)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            var deliveries = try await producer.send(first.map(\.message))
            var partitionOfID: [String: Int32] = [:]
            for (event, delivery) in zip(first, deliveries) { partitionOfID[event.document.id] = delivery.partition }
            // The poison reuses the key of a document of the first event's partition, so it lands there too.
            let halted = deliveries[0].partition
            let poison = PoisonEvent(
                kind: .invalidJSON,
                index: names.index,
                collection: names.collections[0],
                id: first[0].document.id
            )
            let poisonDelivery = try await producer.send(poison.message)
            try #require(poisonDelivery.partition == halted)
            let secondDeliveries = try await producer.send(second.map(\.message))
            for (event, delivery) in zip(second, secondDeliveries) {
                partitionOfID[event.document.id] = delivery.partition
            }
            deliveries += [poisonDelivery] + secondDeliveries
            await producer.close()
            let ends = highWatermarks(of: deliveries)
            var othersEnds = ends
            othersEnds[halted] = poisonDelivery.offset

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
                try daemon.start()
                let reached = await probe.waitUntilCommitted(othersEnds, timeout: .seconds(90))
                #expect(
                    reached,
                    "offsets did not reach \(othersEnds); committed \((try? probe.committed()) ?? [:])\n\(daemon.tail())"
                )
                try await Task.sleep(for: .seconds(3))  // on purpose: time for the halted partition to move if it would
                let committed = try probe.committed()
                #expect(
                    committed == othersEnds,
                    "the halted partition \(halted) must hold at the poison offset \(poisonDelivery.offset)"
                )
                #expect(daemon.log.contains("Partition halted"), "\(daemon.tail())")

                var expected: [DocumentKey: DocumentBody] = [:]
                for (key, body) in generator.model.documents where partitionOfID[key.id] != halted {
                    expected[key] = body
                }
                for (key, body) in modelBeforePoison.documents where partitionOfID[key.id] == halted {
                    expected[key] = body
                }
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: expected)

                await ScenarioChecks.expectCleanStop(daemon)
                #expect(try probe.committed()[halted] == poisonDelivery.offset)
                await probe.close()
            }
        }
    }
}
