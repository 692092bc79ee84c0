import Testing

@testable import BridgeCore

/// The plan through the document controller and with a count cap (realtime.md §2, issue 17): one action per request,
/// at most the cap per request, a 413 `write_limit_exceeded` halving the cap for the rest of the batch. No I/O.
@Suite struct DocumentRoutePlanTests {
    static func batch(_ events: [(String, DocumentAction)]) -> DocumentBatch {
        var batch = DocumentBatch(
            id: .init(rawValue: 1),
            target: BatchWritePlanTests.target,
            openedAt: .now,
            requestOverhead: 0
        )
        for (offset, (id, action)) in events.enumerated() {
            batch.add(Fixture.event(id, action, offset: Int64(offset)), encodedSize: 10)
        }
        return batch
    }

    static func plan(_ batch: DocumentBatch, route: WriteRoute = .document, cap: Int?) -> BatchWritePlan {
        BatchWritePlan(
            batch: batch,
            route: route,
            policy: WritePolicy(),
            backoff: Backoff(schedule: RetrySchedule(initialDelay: .milliseconds(100), jitter: 0)),
            maximumDocumentsPerRequest: cap
        )
    }

    /// Sends every step, answering with `answer`, and returns the positions of each request.
    static func drive(
        _ plan: inout BatchWritePlan,
        answer: ([Int]) -> WriteAttemptOutcome = { .answered($0.map { _ in .written }) }
    ) -> [[Int]] {
        var random = SplitMix64(seed: 7)
        var requests: [[Int]] = []
        while case .send(let positions, _) = plan.nextStep() {
            requests.append(positions)
            plan.record(answer(positions), of: positions, using: &random)
        }
        return requests
    }

    @Test func writesAreCappedByCount() {
        let events = (0..<450).map { ("d\($0)", DocumentAction.write) }
        var plan = Self.plan(Self.batch(events), cap: 200)
        let requests = Self.drive(&plan)
        #expect(requests.map(\.count) == [200, 200, 50])
        #expect(plan.writtenPositions.count == 450)
        #expect(plan.learnedDocumentLimit == nil)
    }

    @Test func eachRequestCarriesOneActionInTheBatchOrder() {
        let events: [(String, DocumentAction)] = [
            ("a", .write), ("b", .write), ("a", .delete), ("c", .create), ("d", .create), ("b", .update), ("e", .write),
        ]
        let batch = Self.batch(events)
        var plan = Self.plan(batch, cap: 200)
        let requests = Self.drive(&plan)
        #expect(requests == [[0, 1], [2], [3, 4], [5], [6]])
        for request in requests {
            #expect(Set(request.map { batch.operations[$0].action }).count == 1)
        }
    }

    @Test func alreadyExistingCreatesAndMissingDeletesAreDone() {
        let batch = Self.batch([("a", .create), ("b", .create), ("c", .delete)])
        var plan = Self.plan(batch, cap: nil)
        let exists = WriteItemOutcome.failed(WriteItemFailure(status: 400, reason: "document already exists"))
        let missing = WriteItemOutcome.failed(WriteItemFailure(status: 404, reason: "document not found"))
        let requests = Self.drive(&plan) { positions in
            .answered(positions.map { positions == [2] ? missing : $0 == 0 ? exists : .written })
        }
        #expect(requests == [[0, 1], [2]])
        #expect(plan.writtenPositions == [0, 1, 2])
        #expect(plan.rejections.isEmpty)
    }

    @Test func one413HalvesTheCapForEveryRequestLeft() {
        let events = (0..<450).map { ("d\($0)", DocumentAction.write) }
        var plan = Self.plan(Self.batch(events), cap: 200)
        let limit = WriteRequestFailure.answered(
            status: 413,
            errorID: WritePolicy.writeLimitExceededID,
            message: "The number of documents edited by this request exceeds the configured server limit."
        )
        var refusals = 0
        let requests = Self.drive(&plan) { positions in
            guard positions.count > 100 else { return .answered(positions.map { _ in .written }) }
            refusals += 1
            return .failed(limit)
        }
        #expect(refusals == 1)
        #expect(requests.map(\.count) == [200, 100, 100, 100, 100, 50])
        #expect(plan.learnedDocumentLimit == 100)
        #expect(plan.maximumDocumentsPerRequest == 100)
        #expect(plan.writtenPositions.count == 450)
        #expect(plan.rejections.isEmpty)
    }

    @Test func aRequestTooLargeInBytesDoesNotLowerTheCountCap() {
        let events = (0..<4).map { ("d\($0)", DocumentAction.write) }
        var plan = Self.plan(Self.batch(events), cap: 200)
        var first = true
        _ = Self.drive(&plan) { positions in
            guard first else { return .answered(positions.map { _ in .written }) }
            first = false
            return .failed(.answered(status: 413, errorID: "network.http.request_too_large", message: "big"))
        }
        #expect(plan.learnedDocumentLimit == nil)
        #expect(plan.writtenPositions.count == 4)
    }

    @Test func withoutACapABulkRouteSendsTheBatchWhole() {
        let events = (0..<450).map { ("d\($0)", DocumentAction.write) }
        var plan = Self.plan(Self.batch(events), route: .mWrite, cap: nil)
        #expect(Self.drive(&plan).map(\.count) == [450])
    }
}
