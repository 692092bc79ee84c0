import Testing

@testable import BridgeCore

/// The external-version fence in BridgeCore (fence.md §2): versions from routing, one line per id per batch keeping
/// the highest version, and 409 on a fenced line settled as done and counted.
@Suite struct ExternalVersionFenceTests {
    static let target = DocumentTarget(index: "shop", collection: "orders")

    static func fenced(_ id: String, _ action: DocumentAction, offset: Int64, version: Int64? = nil) -> DocumentEvent {
        var event = Fixture.event(id, action, offset: offset)
        event.externalVersion = version ?? offset
        return event
    }

    static func batch(_ events: [DocumentEvent], sizes: [Int]? = nil) -> DocumentBatch {
        var batch = DocumentBatch(id: .init(rawValue: 1), target: target, openedAt: .now, requestOverhead: 100)
        for (position, event) in events.enumerated() {
            let size = sizes?[position] ?? 10
            let expected = batch.encodedBytes(adding: event, encodedSize: size)
            batch.add(event, encodedSize: size)
            #expect(batch.encodedBytes == expected, "encodedBytes(adding:) predicts add")
        }
        return batch
    }

    // MARK: - Routing

    @Test func theOffsetFenceGivesWritesAndDeletesTheirOffset() throws {
        let routing = TopicRouting(defaultIndex: "shop", defaultCollection: "orders", fence: .offset)
        let write = try EventRouter().route(Fixture.record(#"{"_id":"a","body":{}}"#, offset: 42), routing: routing)
        #expect(write.externalVersion == 42)
        let delete = try EventRouter().route(Fixture.record(nil, key: "a", offset: 43), routing: routing)
        #expect(delete.action == .delete)
        #expect(delete.externalVersion == 43)
        let unfenced = try EventRouter().route(
            Fixture.record(#"{"_id":"a","body":{}}"#),
            routing: Fixture.defaultedRouting
        )
        #expect(unfenced.externalVersion == nil)
    }

    @Test func aHeaderFenceParsesTheLastHeaderOfThatName() throws {
        let routing = TopicRouting(defaultIndex: "shop", defaultCollection: "orders", fence: .header("doc-version"))
        let record = Fixture.record(
            #"{"_id":"a","body":{}}"#,
            headers: [("doc-version", "5"), ("other", "x"), ("doc-version", "9007199254740991")]
        )
        #expect(try EventRouter().route(record, routing: routing).externalVersion == 9_007_199_254_740_991)
    }

    @Test(
        arguments: [
            ([], "no doc-version header"),
            ([("doc-version", nil)], "not a decimal integer"),
            ([("doc-version", "")], "not a decimal integer"),
            ([("doc-version", "-1")], "not a decimal integer"),
            ([("doc-version", " 1")], "not a decimal integer"),
            ([("doc-version", "1.0")], "not a decimal integer"),
            ([("doc-version", "9007199254740992")], "not a decimal integer"),
            ([("Doc-Version", "3")], "no doc-version header"),
        ] as [([(String, String?)], String)]
    )
    func anEventWithoutAValidVersionHeaderIsRefusedNamingIt(headers: [(String, String?)], reason: String) {
        let routing = TopicRouting(defaultIndex: "shop", defaultCollection: "orders", fence: .header("doc-version"))
        #expect {
            try EventRouter().route(Fixture.record(#"{"_id":"a","body":{}}"#, headers: headers), routing: routing)
        } throws: { error in
            guard let error = error as? EventDecodingError else { return false }
            return error.kind == .fence && error.field == "doc-version" && error.reason.contains(reason)
        }
    }

    @Test(arguments: [DocumentAction.create, .update])
    func aFencedCreateOrUpdateIsRefused(action: DocumentAction) {
        let routing = TopicRouting(defaultIndex: "shop", defaultCollection: "orders", fence: .offset)
        let value = #"{"_id":"a","action":"\#(action.rawValue)","body":{}}"#
        #expect {
            try EventRouter().route(Fixture.record(value), routing: routing)
        } throws: { error in
            guard let error = error as? EventDecodingError else { return false }
            return error.kind == .fence && error.field == "action" && error.reason.contains("writer.fence is offset")
        }
    }

    // MARK: - Coalescing (rule 1)

    @Test func fencedLinesOfOneIDCoalesceToTheHighestVersion() {
        let batch = Self.batch(
            [
                Self.fenced("x", .write, offset: 1), Self.fenced("y", .write, offset: 2),
                Self.fenced("x", .delete, offset: 3), Self.fenced("x", .write, offset: 4),
            ],
            sizes: [10, 20, 7, 30]
        )
        #expect(batch.documentCount == 2)
        #expect(batch.operations.map(\.id) == ["x", "y"])
        #expect(batch.operations[0].externalVersion == 4)
        #expect(batch.operations[0].action == .write)
        #expect(batch.encodedBytes == 100 + 30 + 20)
        #expect(batch.sources.map(\.offset) == [1, 2, 3, 4], "every coalesced offset is done with the line")
        #expect(batch.versions(at: 0).map(\.source.offset) == [1, 3, 4])
    }

    @Test func aDeleteWithTheHighestVersionTakesTheLine() {
        let batch = Self.batch([Self.fenced("x", .write, offset: 1), Self.fenced("x", .delete, offset: 2)])
        #expect(batch.documentCount == 1)
        #expect(batch.operations[0].action == .delete)
        #expect(batch.operations[0].externalVersion == 2)
        #expect(!batch.isCreateOrReplaceOnly)
    }

    @Test func aLaterLineWithALowerHeaderVersionIsAbsorbedNotSent() {
        let batch = Self.batch(
            [
                Self.fenced("x", .write, offset: 1, version: 9), Self.fenced("x", .write, offset: 2, version: 5),
                Self.fenced("x", .delete, offset: 3, version: 9),
            ],
            sizes: [10, 50, 7]
        )
        #expect(batch.documentCount == 1)
        #expect(batch.operations[0].source.offset == 1, "the highest version stays; a tie keeps the earlier line")
        #expect(batch.encodedBytes == 100 + 10)
        #expect(batch.sources.map(\.offset) == [1, 2, 3])
    }

    @Test func unfencedCoalescingIsUnchanged() {
        let batch = Self.batch([
            Fixture.event("x", .write, offset: 1), Fixture.event("x", .delete, offset: 2),
            Fixture.event("x", .write, offset: 3), Fixture.event("x", .write, offset: 4),
        ])
        #expect(batch.operations.map(\.source.offset) == [1, 2, 4])
    }

    // MARK: - Outcomes (rule 2)

    @Test func a409OnAFencedLineIsDoneAndCountedAndOtherOutcomesAreUnchanged() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([
            Self.fenced("a", .write, offset: 1), Self.fenced("b", .delete, offset: 2),
            Self.fenced("c", .delete, offset: 3), Self.fenced("d", .write, offset: 4),
        ])
        var plan = BatchWritePlan(
            batch: batch,
            route: .importBulk,
            policy: WritePolicy(),
            backoff: Backoff(schedule: RetrySchedule(jitter: 0))
        )
        guard case .send(let positions, _) = plan.nextStep() else { throw PlanTestFailure("expected a send") }
        let stale = WriteItemOutcome.failed(
            WriteItemFailure(
                status: 409,
                errorType: "version_conflict_engine_exception",
                reason: "current version [9] is higher or equal to the one provided [1]",
                fenced: true
            )
        )
        let missing = WriteItemOutcome.failed(WriteItemFailure(status: 404, reason: "not found", fenced: true))
        plan.record(.answered([stale, stale, missing, .written]), of: positions, using: &random)
        guard case .finished = plan.nextStep() else { throw PlanTestFailure("expected finished") }
        #expect(plan.writtenPositions == [0, 1, 2, 3])
        #expect(plan.rejections.isEmpty)
        #expect(plan.fencedStale == 2)
    }

    @Test func anUnfenced409OnAWriteIsStillRetried() throws {
        var random = SplitMix64(seed: 1)
        let batch = Self.batch([Fixture.event("a", .write, offset: 1)])
        var plan = BatchWritePlan(
            batch: batch,
            route: .importBulk,
            policy: WritePolicy(),
            backoff: Backoff(schedule: RetrySchedule(jitter: 0))
        )
        guard case .send(let positions, _) = plan.nextStep() else { throw PlanTestFailure("expected a send") }
        let conflict = WriteItemOutcome.failed(
            WriteItemFailure(status: 409, errorType: "version_conflict_engine_exception", reason: "conflict")
        )
        plan.record(.answered([conflict]), of: positions, using: &random)
        guard case .send(let again, _) = plan.nextStep() else { throw PlanTestFailure("expected a resend") }
        #expect(again == [0])
        #expect(plan.fencedStale == 0)
    }

    @Test func versionsParseAsDecimalsBelow2To53() {
        #expect(ExternalVersionFence.version(parsing: Array("0".utf8)) == 0)
        #expect(ExternalVersionFence.version(parsing: Array("0012".utf8)) == 12)
        #expect(
            ExternalVersionFence.version(parsing: Array("9007199254740991".utf8)) == ExternalVersionFence.maximumVersion
        )
        #expect(ExternalVersionFence.version(parsing: Array("9007199254740992".utf8)) == nil)
        #expect(ExternalVersionFence.version(parsing: Array("12345678901234567".utf8)) == nil)
        #expect(ExternalVersionFence.version(parsing: Array("+1".utf8)) == nil)
    }
}
