import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    /// The send-time lease end to end (fence.md §1 and §3): a member frozen with SIGSTOP while it holds batches is
    /// evicted, the new owner writes newer versions, and the frozen member is resumed with SIGCONT.
    @Suite("Zombie member", .serialized)
    struct ZombieMemberTests {
        @Test("A member frozen and evicted sends nothing after SIGCONT; Kuzzle keeps the newest versions")
        func frozenMemberSendsNothingAfterResume() async throws {
            let outcome = try await ZombieScenario(label: "zombie", leaseDisabled: false).run()
            #expect(
                outcome.requestsFromZombieAfterResume.isEmpty,
                "the resumed member sent \(outcome.requestsFromZombieAfterResume)\n\(outcome.zombieLogTail)"
            )
            #expect(outcome.staleDifference == nil, "\(outcome.staleDifference ?? "")\n\(outcome.zombieLogTail)")
            #expect(
                outcome.zombieNoticedTheGap,
                "the resumed member never logged the lease suspension\n\(outcome.zombieLogTail)"
            )
        }

        @Test("Control: with the lease disabled, the resumed member overwrites the newer versions with stale ones")
        func withoutTheLeaseTheResumedMemberWritesStaleVersions() async throws {
            let outcome = try await ZombieScenario(label: "zombie-control", leaseDisabled: true).run()
            #expect(
                !outcome.requestsFromZombieAfterResume.isEmpty,
                "the resumed member sent nothing, so this scenario cannot show what the lease prevents\n\(outcome.zombieLogTail)"
            )
            #expect(
                outcome.staleDifference != nil,
                "no stale version reached the stand-in, so this scenario cannot show what the lease prevents"
            )
        }
    }
}

/// One run: member A alone under 1.5 s of Kuzzle latency with one write at a time, so that it holds queued batches;
/// A frozen while its third request waits for a 503; latency removed; member B joins, takes every partition once A is evicted (6 s session timeout), and
/// writes newer versions (writes and deletes) of every id; once B committed everything, A is resumed.
private struct ZombieScenario {
    let label: String
    /// Runs A as `kuzzle-bridge-testd --disable-send-lease` (the control run).
    let leaseDisabled: Bool

    /// What the run showed.
    struct Outcome {
        /// Bulk requests from A received after its SIGCONT.
        var requestsFromZombieAfterResume: [StandInRecordedRequest]
        /// How the stand-in's final documents differ from the newest versions (`nil`: equal).
        var staleDifference: String?
        /// Whether A logged the lease suspension after its resume.
        var zombieNoticedTheGap: Bool
        /// The end of A's log.
        var zombieLogTail: String
    }

    private static let ids = 40
    private static let staleRounds = 15

    func run() async throws -> Outcome {
        let bootstrap = try IntegrationEnvironment.mockBootstrap()
        let names = ScenarioNames(label)
        let collection = names.collections[0]
        var model = ExpectedState()
        func event(_ id: Int, _ action: TestEvent.Action, round: Int) -> TestEvent {
            let document = DocumentKey(index: names.index, collection: collection, id: "doc-\(id)")
            let body: DocumentBody? = action == .delete ? nil : ["round": .int(round), "writer": .string("\(round)")]
            let event = TestEvent(document: document, action: action, body: body)
            model.apply(event)
            return event
        }
        let stale = (0..<Self.staleRounds).flatMap { round in (0..<Self.ids).map { event($0, .write, round: round) } }
        let newest = (0..<Self.ids).map { event($0, $0 % 5 == 0 ? .delete : .write, round: 1000) }
        let expected = model.documents

        return try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
            var configuration = names.configuration(bootstrap: bootstrap, kuzzleURL: server.baseURL, deadLetters: false)
            configuration.concurrency = 1
            configuration.maxDocuments = 10
            configuration.drainTimeout = "5s"
            let zombie = try DaemonProcess(
                name: "zombie",
                configuration: configuration,
                executable: .testDaemon(flags: leaseDisabled ? ["--disable-send-lease"] : [])
            )
            let successor = try DaemonProcess(name: "successor", configuration: configuration)
            defer {
                zombie.resume()
                zombie.killIfRunning()
                successor.killIfRunning()
            }
            let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic, lanes: 16)
            var deliveries = try await producer.send(stale.map { OutgoingMessage(key: $0.key, value: $0.value) })

            server.faults.setLatency(.milliseconds(1500))
            server.recordRequests()
            try zombie.start()
            let zombieAgent = "(pid \(try #require(zombie.processIdentifier)))"
            func bulkRequests(from agent: String) -> [StandInRecordedRequest] {
                server.recordedRequests.filter { $0.action.hasPrefix("bulk:") && $0.userAgent.hasSuffix(agent) }
            }
            // A's third request is answered 503 after the latency, while A is frozen: on its resume, A retries it
            // (what only the send-time check stops) and holds the rest of its batches queued behind it.
            let sentTwice = await eventually(timeout: .seconds(60)) { bulkRequests(from: zombieAgent).count >= 2 }
            try #require(sentTwice, "the first member did not write\n\(zombie.tail())")
            server.faults.failNextRequests(1, with: .overloaded)
            let sentThrice = await eventually(timeout: .seconds(30)) { bulkRequests(from: zombieAgent).count >= 3 }
            try #require(sentThrice, "the first member did not send a third request\n\(zombie.tail())")
            zombie.freeze()
            server.faults.setLatency(nil)

            try successor.start()
            deliveries += try await producer.send(newest.map { OutgoingMessage(key: $0.key, value: $0.value) })
            await producer.close()
            await ScenarioChecks.expectAllCommitted(
                probe,
                highWatermarks(of: deliveries),
                daemon: successor,
                timeout: .seconds(90)
            )
            let successorWroteTheNewest = await eventually(timeout: .seconds(30)) {
                let actual = try? StandInHelpers.documents(of: server, index: names.index, collections: [collection])
                return actual.map { StandInHelpers.difference(expected: expected, actual: $0) == nil } ?? false
            }
            try #require(
                successorWroteTheNewest,
                "the successor did not write the newest versions\n\(successor.tail())"
            )

            let logOffset = zombie.logSize
            let resumedAt = ContinuousClock.now
            zombie.resume()
            let noticed = await zombie.waitForLog("Send lease suspended", from: logOffset, timeout: .seconds(20))
            // Whatever A still holds would go within moments of its resume; give it the time of a rejoin.
            _ = await zombie.waitForLog("Partitions assigned", from: logOffset, timeout: .seconds(20))
            // Not a synchronisation: the window in which a stale send would show (the control run sees one).
            try await Task.sleep(for: .seconds(3))

            let late = bulkRequests(from: zombieAgent).filter { $0.receivedAt > resumedAt }
            let actual = try StandInHelpers.documents(of: server, index: names.index, collections: [collection])
            let outcome = Outcome(
                requestsFromZombieAfterResume: late,
                staleDifference: StandInHelpers.difference(expected: expected, actual: actual),
                zombieNoticedTheGap: noticed,
                zombieLogTail: zombie.tail(60)
            )
            await ScenarioChecks.expectCleanStop(successor)
            zombie.terminate()
            _ = await zombie.waitForExit(timeout: .seconds(30))
            await probe.close()
            return outcome
        }
    }
}
