import Testing

@testable import BridgeCore

/// The pipeline's orchestration, driven in process with no broker and no HTTP: each test feeds a ``PipelineCore``
/// inputs with the time and asserts the actions it returns and the offsets that end up committed.
@Suite struct PipelineCoreTests {
    static let p0 = CoreHarness.partition(0)
    static let p1 = CoreHarness.partition(1)

    @Test("a revoke waits for the in-flight and the queued batch of its partition, then commits past both")
    func revokeWaitsForInFlightAndQueuedBatches() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let first = try #require(harness.inFlightBatches.first)
        harness.receive("a")  // shares "a" with the batch in flight: queued behind it
        harness.receive("c")
        #expect(harness.inFlight.count == 1)
        #expect(harness.core.scheduler.queuedCount == 1)
        harness.receive("d")  // open batch, sealed by the revoke
        let ticket = harness.revoke(0)
        #expect(harness.revocationCommits[ticket] == nil)
        harness.answer(first.id)
        #expect(harness.revocationCommits[ticket] == nil, "the queued batch is not written yet")
        #expect(harness.inFlight.count == 2)
        for batch in harness.inFlightBatches { harness.answer(batch.id) }
        #expect(harness.revocationCommits[ticket] == [Self.p0: 5])
        #expect(harness.lease.epochs[Self.p0] == nil)
    }

    @Test("a revoke whose deadline passes commits what is done, drops the queued batch and ignores late answers")
    func revokeDeadlinePasses() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let first = try #require(harness.inFlightBatches.first)
        harness.receive("a")
        harness.receive("c")  // queued behind the first
        let ticket = harness.revoke(0)
        harness.tick(after: .seconds(5))
        #expect(harness.revocationCommits[ticket] == nil)
        harness.tick(after: .seconds(6))
        #expect(harness.revocationCommits[ticket] == [:])
        #expect(harness.notices.contains(.revocationFinished([Self.p0], settled: false)))
        #expect(harness.notices.contains(.batchesDropped(partitions: [Self.p0], documents: 2)))
        #expect(harness.core.scheduler.queuedCount == 0)
        #expect(harness.lease.epochs[Self.p0] == nil, "writers must stop sending for the revoked partition")
        #expect(harness.lease.permits(first, now: harness.now, lastPoll: harness.now) == false)
        harness.answer(first.id)
        harness.tick(after: .seconds(1))
        #expect(harness.sent.count == 1, "the dropped batch is never sent")
        #expect(harness.committed[Self.p0] == nil)
    }

    @Test("lost partitions commit nothing, drop their queued batches, and keep what other partitions share")
    func lostPartitions() throws {
        var harness = CoreHarness()
        harness.assign(0, 1)
        harness.receive("a", partition: 0)
        harness.receive("b", partition: 1)  // one batch holding both partitions
        let mixed = try #require(harness.inFlightBatches.first)
        harness.receive("a", partition: 0)
        harness.receive("c", partition: 0)  // queued: shares "a"
        harness.lose(0)
        #expect(harness.notices.contains(.lost([Self.p0])))
        #expect(harness.core.scheduler.queuedCount == 0)
        #expect(harness.lease.permits(mixed, now: harness.now, lastPoll: harness.now) == false)
        // The writer's next request is refused by the lease: it abandons the batch.
        harness.abandon(mixed.id)
        let remainder = try #require(harness.inFlightBatches.first)
        #expect(remainder.id == mixed.id)
        #expect(remainder.operations.map(\.id) == ["b"])
        #expect(Set(remainder.sources.map(\.topicPartition)) == [Self.p1])
        harness.answer(remainder.id)
        harness.tick(after: .seconds(1))
        #expect(harness.committed == [Self.p1: 1])
    }

    @Test("a stop during a retry episode waits for the write, then commits past it")
    func stopDuringRetryEpisode() throws {
        var harness = CoreHarness()
        harness.assign(0, 1)
        harness.receive("a")
        harness.receive("b")
        let batch = try #require(harness.inFlightBatches.first)
        harness.receive("c", partition: 1)  // still open: the stop seals it
        harness.stop()
        #expect(harness.paused == [Self.p0, Self.p1])
        #expect(harness.inFlight.count == 2)
        harness.receive("late")  // records after the stop are not taken
        #expect(harness.core.counters.consumed == 3)
        harness.tick(after: .seconds(3))
        #expect(harness.finalCommit == nil, "the writer is still retrying within the drain timeout")
        harness.answer(batch.id, retries: 3)
        #expect(harness.finalCommit == nil)
        for other in harness.inFlightBatches { harness.answer(other.id) }
        #expect(harness.finalCommit == [Self.p0: 2, Self.p1: 1])
        #expect(harness.finished)
        #expect(harness.core.counters.retries == 3)
    }

    @Test("a second stop commits only what is done, at once")
    func secondStop() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let first = try #require(harness.inFlightBatches.first)
        harness.answer(first.id)
        harness.receive("c")
        harness.receive("d")
        #expect(harness.inFlight.count == 1)
        harness.stop()
        #expect(!harness.finished)
        harness.stop()
        #expect(harness.notices.contains(.stopEscalated))
        #expect(harness.finalCommit == [Self.p0: 2])
        #expect(harness.finished)
    }

    @Test("a dead-letter send that fails is retried with backoff, then its event is done when delivered")
    func deadLetterFailsThenSucceeds() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("bad", value: "{not json")
        let request = try #require(harness.deadLetters.values.first)
        #expect(request.origin == .routing)
        harness.deadLetterResult(request.ticket, delivered: false)
        #expect(harness.notices.contains { if case .deadLetterFailing = $0 { true } else { false } })
        harness.tick(after: .milliseconds(50))
        #expect(harness.deadLetters.isEmpty, "retried only after its backoff")
        harness.tick(after: .milliseconds(60))
        let retry = try #require(harness.deadLetters.values.first)
        #expect(retry.ticket == request.ticket)
        #expect(retry.attempt == 2)
        harness.tick(after: .seconds(1))
        #expect(harness.committed[Self.p0] == nil, "not done before the broker acknowledged it")
        harness.deadLetterResult(retry.ticket, delivered: true)
        harness.tick(after: .seconds(1))
        #expect(harness.committed[Self.p0] == 1)
        #expect(harness.core.counters.deadLettered == 1)
    }

    @Test("a dead letter that keeps failing halts its partition instead of retrying silently")
    func deadLetterKeepsFailing() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("bad", value: "[1]")
        for _ in 0..<200 {
            if let pending = harness.deadLetters.values.first {
                harness.deadLetterResult(pending.ticket, delivered: false)
            }
            harness.tick(after: .seconds(1))
            if !harness.halted.isEmpty { break }
        }
        let reason = try #require(harness.halted[Self.p0])
        #expect(reason.contains("dead-letter topic"))
        #expect(harness.paused.contains(Self.p0))
        #expect(harness.core.deadLettersPending == 0)
        #expect(harness.committed[Self.p0] == nil)
        let failing = harness.notices.filter { if case .deadLetterFailing = $0 { true } else { false } }
        #expect(failing.count == 1, "reported once a minute, not once per attempt")
    }

    @Test("a refused document is dead-lettered with a dead-letter topic; the partition goes on")
    func refusedWithDeadLetterTopic() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let batch = try #require(harness.inFlightBatches.first)
        harness.answer(batch.id, refusing: [1])
        let request = try #require(harness.deadLetters.values.first)
        #expect(request.origin == .kuzzle)
        #expect(request.documentID == "b")
        harness.tick(after: .seconds(1))
        #expect(harness.committed[Self.p0] == 1)
        harness.deadLetterResult(request.ticket, delivered: true)
        harness.tick(after: .seconds(1))
        #expect(harness.committed[Self.p0] == 2)
        #expect(harness.halted.isEmpty)
    }

    @Test("a refused document halts its partition without a dead-letter topic; other partitions go on")
    func refusedWithoutDeadLetterTopic() throws {
        var harness = CoreHarness(hasDeadLetterTopic: false)
        harness.assign(0, 1)
        harness.receive("a")
        harness.receive("b")
        let batch = try #require(harness.inFlightBatches.first)
        harness.answer(batch.id, refusing: [1])
        #expect(harness.deadLetters.isEmpty)
        #expect(harness.halted[Self.p0]?.contains("no dead_letter.topic") == true)
        #expect(harness.paused == [Self.p0])
        harness.receive("c")  // a halted partition discards what was still fetched
        harness.receive("x", partition: 1)
        harness.receive("y", partition: 1)
        for other in harness.inFlightBatches { harness.answer(other.id) }
        harness.tick(after: .seconds(1))
        #expect(harness.committed == [Self.p0: 1, Self.p1: 2])
        harness.tick(after: .seconds(60))
        #expect(harness.notices.contains { if case .stillHalted(Self.p0, _) = $0 { true } else { false } })
    }

    @Test("a partition re-assigned right after its revocation timed out keeps its new state")
    func reassignedAfterRevocationTimedOut() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let old = try #require(harness.inFlightBatches.first)
        let ticket = harness.revoke(0)
        // The consumer gave up waiting for the handshake and the group gave the partition straight back.
        harness.assign(0)
        #expect(harness.revocationCommits[ticket] == [:])
        harness.nextOffset[0] = 0  // re-read from the committed offset
        harness.receive("a")
        harness.receive("b")
        #expect(harness.core.counters.consumed == 4, "the new assignment's records are taken")
        harness.tick(after: .seconds(11))  // past the old revocation's deadline
        #expect(harness.lease.epochs[Self.p0] != nil)
        harness.abandon(old.id)  // the old epoch's writer is refused by the lease
        let current = try #require(harness.inFlightBatches.first)
        #expect(current.id != old.id)
        harness.answer(current.id)
        harness.tick(after: .seconds(1))
        #expect(harness.committed[Self.p0] == 2)
    }

    @Test("the drain timeout with a write unanswered commits what is done and finishes")
    func drainTimeoutWithUnansweredWrite() throws {
        var harness = CoreHarness(drainTimeout: .seconds(5))
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let done = try #require(harness.inFlightBatches.first)
        harness.answer(done.id)
        harness.receive("c")
        harness.receive("d")
        harness.stop()
        harness.tick(after: .seconds(4))
        #expect(!harness.finished)
        harness.tick(after: .seconds(2))
        #expect(harness.notices.contains(.drainTimedOut(inFlightBatches: 1, queuedBatches: 0, deadLetters: 0)))
        #expect(harness.finalCommit == [Self.p0: 2])
        #expect(harness.finished)
    }

    @Test("a poll gap suspends sending; batches wait, then go once polling was steady for the recovery time")
    func leaseSuspensionHoldsBatches() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.tick(after: .milliseconds(100))
        let frozenPoll = harness.now
        harness.tick(after: .seconds(11), lastPoll: frozenPoll)  // the process was stopped 11 s
        #expect(harness.notices.contains(.leaseSuspended(gap: .seconds(11))))
        #expect(harness.lease.isSuspended)
        harness.receive("a")
        harness.receive("b")
        #expect(harness.inFlight.isEmpty, "nothing is sent while suspect")
        harness.tick(after: .seconds(3))
        #expect(harness.inFlight.isEmpty)
        harness.tick(after: .seconds(4))
        #expect(harness.notices.contains(.leaseRestored))
        #expect(harness.inFlight.count == 1)
    }

    @Test(
        "after a SIGCONT, a writer that checks before the core ticks is refused, even when the poll loop stamped first"
    )
    func sendTimeCheckSeesThePollGap() throws {
        var harness = CoreHarness()
        harness.assign(0)
        harness.receive("a")
        harness.receive("b")
        let batch = try #require(harness.inFlightBatches.first)
        let lease = harness.lease
        let resumed = harness.now + .seconds(11)
        #expect(lease.permits(batch, now: harness.now, lastPoll: harness.now))
        // The poll thread ran first after the resume: its stamp is fresh, only the gap it recorded tells.
        #expect(lease.permits(batch, now: resumed, lastPoll: resumed, pollGapSeen: resumed) == false)
        let recovered = resumed + lease.recovery
        #expect(lease.permits(batch, now: recovered, lastPoll: recovered, pollGapSeen: resumed))
        // The stamp alone is stale when the writer runs first.
        #expect(lease.permits(batch, now: resumed, lastPoll: harness.now) == false)
        #expect(lease.recovery > .zero, "the core publishes its recovery time with the lease")
    }

    @Test("a revoke while suspect drops the held batches of the revoked partition")
    func revokeWhileSuspectDropsHeldBatches() throws {
        var harness = CoreHarness()
        harness.assign(0, 1)
        harness.tick(after: .seconds(11), lastPoll: harness.now)
        harness.receive("a", partition: 0)
        harness.receive("b", partition: 0)
        harness.receive("c", partition: 1)
        harness.receive("d", partition: 1)
        let ticket = harness.revoke(0)
        harness.tick(after: .seconds(11))  // past the revocation's deadline: p0 goes
        #expect(harness.revocationCommits[ticket] == [:])
        harness.tick(after: .seconds(7))
        #expect(harness.inFlightBatches.map { $0.operations.map(\.id) } == [["c", "d"]])
        #expect(harness.sent.allSatisfy { $0.sources.allSatisfy { $0.partition == 1 } })
    }
}
