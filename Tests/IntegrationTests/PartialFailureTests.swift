import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Strict partial failures")
    struct PartialFailureTests {
        @Test(
            "After a strict partial failure only the refused documents are dead-lettered; written ones are never resent"
        )
        func onlyRefusedDocumentsLeaveTheBatch() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("partial")
            let collection = names.collections[0]
            let total = 3000
            var model = ExpectedState()
            var refusedIDs = Set<String>()
            var messages: [OutgoingMessage] = []
            for number in 0..<total {
                let document = DocumentKey(index: names.index, collection: collection, id: "doc-\(number)")
                if number % 97 == 13 {
                    refusedIDs.insert(document.id)
                    messages.append(
                        PoisonEvent(
                            kind: .rejectedByKuzzle,
                            index: names.index,
                            collection: collection,
                            id: document.id
                        ).message
                    )
                } else {
                    let event = TestEvent(
                        document: document,
                        action: .write,
                        body: ["seq": .int(number), "name": .string("n\(number)")]
                    )
                    model.apply(event)
                    messages.append(event.message)
                }
            }
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            let ends = highWatermarks(of: try await producer.send(messages))
            await producer.close()

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                server.faults.rejectDocuments(
                    StandInDocumentRejection(field: PoisonEvent.rejectedField, value: PoisonEvent.rejectedValue)
                )
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: true
                )
                configuration.route = "mWrite"
                configuration.maxDocuments = 250
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))

                let counters = server.counters
                // Every document reached Kuzzle exactly once: received = total + resent, and nothing was resent.
                #expect(counters.documentsReceived["bulk:mWrite"] == total, "\(counters)")
                #expect(counters.documentsWritten == total - refusedIDs.count, "\(counters)")
                #expect((counters.requests["bulk:mWrite"] ?? 0) >= total / 250)
                let refusals = daemon.log.split(separator: "\n").filter { $0.contains("Kuzzle refused a document") }
                #expect(refusals.count == refusedIDs.count)
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: model.documents)

                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()

                let letters = try await DeadLetterReader.read(
                    topic: names.deadLetterTopic,
                    bootstrap: bootstrap,
                    expected: refusedIDs.count
                )
                let letterIDs = letters.compactMap { $0.header("kuzzle-bridge-id") }
                #expect(letters.count == refusedIDs.count)
                #expect(Set(letterIDs) == refusedIDs)
                #expect(letters.allSatisfy { $0.header("kuzzle-bridge-status") == "400" })
            }
        }
    }
}
