import Testing

@testable import BridgeCore

/// The write of one batch as a state machine, driven by hand: what is sent, in which order, with which version, and
/// what is settled. No I/O.
@Suite struct BatchWritePlanTests {
    static let target = DocumentTarget(index: "shop", collection: "orders")

    /// A batch of (id, action, offset) events; writes of one id coalesce.
    static func batch(_ events: [(String, DocumentAction, Int64)]) -> DocumentBatch {
        var batch = DocumentBatch(id: .init(rawValue: 1), target: target, openedAt: .now, requestOverhead: 0)
        for (id, action, offset) in events { batch.add(Fixture.event(id, action, offset: offset), encodedSize: 10) }
        return batch
    }

    static func plan(
        _ batch: DocumentBatch,
        route: WriteRoute = .mWrite,
        policy: WritePolicy = WritePolicy(),
        schedule: RetrySchedule = RetrySchedule(initialDelay: .milliseconds(100), jitter: 0)
    ) -> BatchWritePlan {
        BatchWritePlan(batch: batch, route: route, policy: policy, backoff: Backoff(schedule: schedule))
    }

    static let refused = WriteItemOutcome.failed(WriteItemFailure(status: 400, reason: "mapping"))
    static let overloaded = WriteItemOutcome.failed(WriteItemFailure(status: 429, reason: "es_rejected_execution"))

    /// The positions and delay of the next step, which must be a send.
    static func requireSend(_ plan: inout BatchWritePlan) throws -> (positions: [Int], delay: Duration) {
        guard case .send(let positions, let delay) = plan.nextStep() else { throw PlanTestFailure("expected a send") }
        return (positions, delay)
    }

    @Test func aRefusedReplacingWriteFallsBackToTheVersionItReplaced() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("x", .write, 1), ("y", .write, 2), ("x", .write, 3)])
        #expect(batch.documentCount == 2)
        var plan = Self.plan(batch)
        let first = try Self.requireSend(&plan)
        #expect(first.positions == [0, 1])
        #expect(plan.event(at: 0).source.offset == 3)
        plan.record(.answered([Self.refused, .written]), of: first.positions, using: &random)
        let second = try Self.requireSend(&plan)
        #expect(second.positions == [0])
        #expect(second.delay == .zero, "a fallback is not a transient failure: no backoff")
        #expect(plan.event(at: 0).source.offset == 1)
        plan.record(.answered([.written]), of: second.positions, using: &random)
        guard case .finished = plan.nextStep() else { throw PlanTestFailure("expected finished") }
        #expect(plan.rejections.map(\.event.source.offset) == [3])
        #expect(plan.rejections.map(\.position) == [0])
        #expect(plan.writtenPositions == [0, 1])
        #expect(Set(plan.writtenSources.map(\.offset)) == [1, 2])
    }

    @Test func whenEveryVersionIsRefusedEachIsRejectedNewestFirst() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("x", .write, 1), ("x", .write, 2), ("x", .write, 3)])
        var plan = Self.plan(batch)
        var sent: [Int64] = []
        while case .send(let positions, _) = plan.nextStep() {
            sent.append(plan.event(at: positions[0]).source.offset)
            plan.record(.answered([Self.refused]), of: positions, using: &random)
        }
        #expect(sent == [3, 2, 1])
        #expect(plan.rejections.map(\.event.source.offset) == [3, 2, 1])
        #expect(plan.writtenPositions.isEmpty)
    }

    @Test func theFallbackWorksThroughBisection() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("x", .write, 1), ("y", .write, 2), ("x", .write, 3)])
        var plan = Self.plan(batch, route: .importBulk)
        let bulk400 = WriteRequestFailure.answered(
            status: 400,
            errorID: "services.storage.unexpected_bad_request",
            message: "bad"
        )
        // The whole bulk fails while x's current version is in it.
        while case .send(let positions, _) = plan.nextStep() {
            let hasBadX = positions.contains { plan.event(at: $0).source.offset == 3 }
            if hasBadX {
                plan.record(.failed(bulk400), of: positions, using: &random)
            } else {
                plan.record(.answered(positions.map { _ in .written }), of: positions, using: &random)
            }
        }
        #expect(plan.rejections.map(\.event.source.offset) == [3])
        #expect(plan.rejections.first?.refusal.errorID == "services.storage.unexpected_bad_request")
        #expect(plan.writtenPositions == [0, 1])
        #expect(Set(plan.writtenSources.map(\.offset)) == [1, 2])
    }

    @Test func theFallbackWorksThrough413Splits() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("a", .write, 1), ("x", .write, 2), ("b", .write, 3), ("x", .write, 4)])
        var plan = Self.plan(batch)
        let tooLarge = WriteRequestFailure.answered(
            status: 413,
            errorID: "network.http.request_too_large",
            message: "big"
        )
        // x v2 (offset 4) is larger than Kuzzle accepts; every request holding it is refused with 413.
        while case .send(let positions, _) = plan.nextStep() {
            if positions.contains(where: { plan.event(at: $0).source.offset == 4 }) {
                plan.record(.failed(tooLarge), of: positions, using: &random)
            } else {
                plan.record(.answered(positions.map { _ in .written }), of: positions, using: &random)
            }
        }
        #expect(plan.rejections.map(\.event.source.offset) == [4])
        #expect(plan.rejections.first?.refusal.status == 413)
        #expect(plan.writtenPositions == [0, 1, 2])
        #expect(plan.event(at: 1).source.offset == 2)
    }

    @Test func theMWriteRouteRefusesOnlyWhatItCannotCarry() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("a", .write, 1), ("b", .delete, 2), ("c", .update, 3), ("d", .write, 4)])
        var plan = Self.plan(batch, route: .mWrite)
        #expect(plan.rejections.map(\.position) == [1, 2])
        #expect(plan.rejections.allSatisfy { $0.refusal.reason.contains("needs writer.route import or auto") })
        let send = try Self.requireSend(&plan)
        #expect(send.positions == [0, 3])
        plan.record(.answered([.written, .written]), of: send.positions, using: &random)
        guard case .finished = plan.nextStep() else { throw PlanTestFailure("expected finished") }
        #expect(plan.writtenPositions == [0, 3])
    }

    @Test func aRetryResendsTheFailedDocumentWithTheLaterOperationsOfItsIdAfterBackoff() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("a", .write, 1), ("b", .write, 2), ("a", .delete, 3), ("c", .write, 4)])
        var plan = Self.plan(batch, route: .importBulk)
        let first = try Self.requireSend(&plan)
        #expect(first.delay == .zero)
        let summary = plan.record(
            .answered([Self.overloaded, .written, .written, .written]),
            of: first.positions,
            using: &random
        )
        #expect(summary.retried && summary.overloaded)
        let second = try Self.requireSend(&plan)
        #expect(second.positions == [0, 2])
        #expect(second.delay == .milliseconds(100))
        plan.record(.answered([Self.overloaded, .written]), of: second.positions, using: &random)
        let third = try Self.requireSend(&plan)
        #expect(third.delay == .milliseconds(200), "the backoff grows while the failures go on")
        plan.record(.answered([.written, .written]), of: third.positions, using: &random)
        #expect(plan.retries == 2)
        #expect(plan.writtenPositions == [0, 1, 2, 3])
    }

    @Test func aStrictPartialFailureIsReadPerDocument() throws {
        // 400 api.process.incomplete_multiple_request arrives as per-document outcomes (the client decodes it):
        // the documents not listed were written, the listed ones are refused or retried on their own.
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([("a", .write, 1), ("b", .write, 2), ("c", .write, 3)])
        var plan = Self.plan(batch)
        let send = try Self.requireSend(&plan)
        plan.record(.answered([.written, Self.refused, .written]), of: send.positions, using: &random)
        guard case .finished = plan.nextStep() else { throw PlanTestFailure("expected finished") }
        #expect(plan.writtenPositions == [0, 2])
        #expect(plan.rejections.map(\.position) == [1])
        #expect(plan.haltReason == nil)
    }

    @Test func aRepeatingWholeRequestFailureIsBisectedToTheDocumentAtFault() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch((1...8).map { ("d\($0)", DocumentAction.write, Int64($0)) })
        var plan = Self.plan(batch, route: .importBulk)
        let trap = WriteRequestFailure.answered(status: 500, errorID: "core.fatal.unexpected_error", message: "trap")
        var attempts = 0
        while case .send(let positions, _) = plan.nextStep() {
            attempts += 1
            if positions.contains(5) {
                plan.record(.failed(trap), of: positions, using: &random)
            } else {
                plan.record(.answered(positions.map { _ in .written }), of: positions, using: &random)
            }
            #expect(attempts < 40, "the write must end")
            if attempts >= 40 { break }
        }
        #expect(plan.rejections.map(\.position) == [5])
        #expect(plan.rejections.first?.refusal.status == 500)
        #expect(plan.writtenPositions == [0, 1, 2, 3, 4, 6, 7])
        #expect(plan.haltReason == nil)
    }

    @Test func a412CreatesTheTargetOnceThenHaltsIfCreationFails() throws {
        var random = SplitMix64(seed: 1)
        let missing = WriteRequestFailure.answered(
            status: 412,
            errorID: "services.storage.unknown_collection",
            message: "no"
        )
        var plan = Self.plan(Self.batch([("a", .write, 1)]), policy: WritePolicy(createMissingCollections: true))
        var send = try Self.requireSend(&plan)
        plan.record(.failed(missing), of: send.positions, using: &random)
        guard case .createTarget = plan.nextStep() else { throw PlanTestFailure("expected createTarget") }
        plan.targetCreation(succeeded: true)
        send = try Self.requireSend(&plan)
        plan.record(.answered([.written]), of: send.positions, using: &random)
        #expect(plan.writtenPositions == [0])

        var failing = Self.plan(Self.batch([("a", .write, 1)]), policy: WritePolicy(createMissingCollections: true))
        send = try Self.requireSend(&failing)
        failing.record(.failed(missing), of: send.positions, using: &random)
        guard case .createTarget = failing.nextStep() else { throw PlanTestFailure("expected createTarget") }
        failing.targetCreation(succeeded: false)
        guard case .finished = failing.nextStep() else { throw PlanTestFailure("expected finished") }
        #expect(failing.haltReason != nil)
        #expect(failing.rejections.map(\.refusal.status) == [412])
    }

    @Test func a412WithADeadLetterTopicRefusesWithoutHalting() throws {
        var random = SplitMix64(seed: 1)
        var plan = Self.plan(
            Self.batch([("a", .write, 1), ("b", .write, 2)]),
            policy: WritePolicy(hasDeadLetterTopic: true)
        )
        let send = try Self.requireSend(&plan)
        plan.record(
            .failed(.answered(status: 412, errorID: "services.storage.unknown_index", message: "no")),
            of: send.positions,
            using: &random
        )
        guard case .finished = plan.nextStep() else { throw PlanTestFailure("expected finished") }
        #expect(plan.haltReason == nil)
        #expect(plan.rejections.map(\.position) == [0, 1])
    }

    @Test func unsettledPositionsAreTheOnesInFlightOrWaiting() throws {
        var random = SplitMix64(seed: 1)
        var plan = Self.plan(Self.batch([("a", .write, 1), ("b", .write, 2), ("c", .write, 3)]))
        let send = try Self.requireSend(&plan)
        #expect(plan.unsettledPositions == [0, 1, 2])
        plan.record(.answered([.written, Self.overloaded, .written]), of: send.positions, using: &random)
        _ = plan.nextStep()
        #expect(plan.unsettledPositions == [1])
    }
}

/// A test failure with a message.
struct PlanTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
