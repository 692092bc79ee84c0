import Testing

@testable import Kuzzle

@Suite struct KuzzleOutcomeMappingTests {
    static func op(_ id: String, _ action: KuzzleBulkAction = .index) -> KuzzleBulkOperation {
        KuzzleBulkOperation(id: id, action: action, body: action == .delete ? nil : ArraySlice(#"{"v":1}"#.utf8))
    }

    static func failure(_ id: String?, _ status: Int, _ action: KuzzleBulkAction? = nil) -> KuzzleItemFailure {
        KuzzleItemFailure(id: id, action: action, status: status, reason: "r\(status)")
    }

    static func failed(_ status: Int, _ disposition: KuzzleDocumentFailure.Disposition) -> KuzzleDocumentOutcome {
        .failed(KuzzleDocumentFailure(status: status, reason: "r\(status)", disposition: disposition))
    }

    @Test func everythingNotListedIsWrittenAndListedFailuresLandOnTheirPositions() throws {
        let sent = ["a", "b", "c", "d"].map { Self.op($0) }
        let outcomes = try KuzzleBulkOutcomeMapper(route: .mWrite)
            .outcomes(for: sent, failures: [Self.failure("d", 429), Self.failure("b", 400)])
        #expect(outcomes == [.written, Self.failed(400, .permanent), .written, Self.failed(429, .retry)])
    }

    @Test func duplicateIdsWithAsManyFailuresAsOccurrencesArePairedInOrder() throws {
        let sent = [Self.op("a"), Self.op("b"), Self.op("a")]
        let outcomes = try KuzzleBulkOutcomeMapper(route: .mWrite)
            .outcomes(for: sent, failures: [Self.failure("a", 400), Self.failure("a", 503)])
        #expect(outcomes == [Self.failed(400, .permanent), .written, Self.failed(503, .retry)])
    }

    @Test func duplicateIdsWithFewerFailuresThanOccurrencesAreAllReportedFailed() throws {
        let sent = [Self.op("a"), Self.op("b"), Self.op("a"), Self.op("a")]
        let outcomes = try KuzzleBulkOutcomeMapper(route: .mWrite)
            .outcomes(for: sent, failures: [Self.failure("a", 429)])
        #expect(outcomes == [Self.failed(429, .retry), .written, Self.failed(429, .retry), Self.failed(429, .retry)])
    }

    @Test func importFailuresAreMatchedByIdAndAction() throws {
        let sent = [Self.op("a", .create), Self.op("a", .delete), Self.op("b", .update)]
        let outcomes = try KuzzleBulkOutcomeMapper(route: .importBulk)
            .outcomes(for: sent, failures: [Self.failure("a", 404, .delete), Self.failure("b", 404, .update)])
        #expect(outcomes == [.written, Self.failed(404, .alreadyDone), Self.failed(404, .alreadyDone)])
    }

    @Test(arguments: [
        [failure(nil, 400)],
        [failure("zz", 400)],
        [failure("a", 404, .delete)],
    ])
    func failuresNamingNoOperationSentAreRejected(failures: [KuzzleItemFailure]) {
        #expect(throws: KuzzleBulkOutcomeMapper.UnattributedFailures.self) {
            try KuzzleBulkOutcomeMapper(route: .importBulk).outcomes(for: [Self.op("a", .index)], failures: failures)
        }
    }

    @Test(arguments: [
        (400, KuzzleBulkRoute.mWrite, KuzzleBulkAction.index, KuzzleDocumentFailure.Disposition.permanent),
        (404, .mWrite, .index, .permanent),
        (409, .mWrite, .index, .retry),
        (429, .mWrite, .index, .retry),
        (500, .mWrite, .index, .retry),
        (503, .importBulk, .index, .retry),
        (404, .importBulk, .delete, .alreadyDone),
        (404, .importBulk, .update, .alreadyDone),
        (409, .importBulk, .create, .alreadyDone),
        // Issue 14 item 4: an unversioned update that lost a race was not applied: retry it.
        (409, .importBulk, .update, .retry),
        (409, .importBulk, .index, .alreadyDone),
        (400, .importBulk, .update, .permanent),
        (403, .importBulk, .index, .permanent),
        (0, .importBulk, .index, .retry),
    ])
    func perDocumentStatusesFollowTheDispositionTable(
        status: Int,
        route: KuzzleBulkRoute,
        action: KuzzleBulkAction,
        expected: KuzzleDocumentFailure.Disposition
    ) {
        #expect(KuzzleDocumentFailure.disposition(status: status, route: route, action: action) == expected)
    }

    @Test(arguments: [
        (401, "security.token.expired", KuzzleError.Kind.reauthenticate),
        (401, "security.token.invalid", .reauthenticate),
        (401, "security.rights.unauthorized", .fatal),
        (401, "plugin.strategy.missing_user", .fatal),
        (403, "security.rights.forbidden", .fatal),
        (404, "network.http.url_not_found", .fatal),
        (412, "services.storage.unknown_index", .missingTarget),
        (412, "services.storage.unknown_collection", .missingTarget),
        (412, "services.storage.index_already_exists", .fatal),
        (413, "network.http.request_too_large", .tooLarge),
        (429, "api.process.too_many_requests", .transient),
        (500, "services.storage.too_many_operations", .transient),
        (500, "services.storage.not_connected", .transient),
        (503, "api.process.overloaded", .transient),
        (400, "services.storage.unexpected_bad_request", .fatal),
        (400, "api.assert.invalid_type", .fatal),
    ])
    func wholeRequestErrorsAreClassifiedByStatusAndId(status: Int, id: String, expected: KuzzleError.Kind) {
        #expect(KuzzleError.classify(status: status, id: id) == expected)
    }

    @Test func configurationDescriptionMasksSecrets() {
        let login = KuzzleClientConfiguration(
            url: "http://k:7512",
            authentication: .login(username: "bridge", password: "s3cret")
        )
        let key = KuzzleClientConfiguration(url: "http://k:7512", authentication: .apiKey("kapikey-abcdef"))
        #expect(!"\(login)".contains("s3cret"))
        #expect("\(login)".contains("bridge"))
        #expect(!"\(key)".contains("kapikey-abcdef"))
    }

    @Test func clientRefusesOperationsElasticsearchWouldRejectAsAWholeBulk() {
        #expect(KuzzleClient.refusal(of: Self.op(""))?.disposition == .permanent)
        #expect(KuzzleClient.refusal(of: Self.op(String(repeating: "é", count: 257)))?.status == 400)
        #expect(KuzzleClient.refusal(of: Self.op(String(repeating: "e", count: 512))) == nil)
        #expect(KuzzleClient.refusal(of: KuzzleBulkOperation(id: "x", action: .index, body: nil)) != nil)
        #expect(KuzzleClient.refusal(of: Self.op("x", .delete)) == nil)
    }

    @Test func tokenRefreshHappensMarginBeforeExpiryButNeverInTheFirstHalf() throws {
        let now = ContinuousClock.now
        let long = try #require(
            KuzzleSession.refreshInstant(ttlMilliseconds: 3_600_000, margin: .seconds(300), now: now)
        )
        #expect(long - now == .seconds(3300))
        let short = try #require(KuzzleSession.refreshInstant(ttlMilliseconds: 10_000, margin: .seconds(300), now: now))
        #expect(short - now == .seconds(5))
        #expect(KuzzleSession.refreshInstant(ttlMilliseconds: -1, margin: .seconds(300), now: now) == nil)
    }

    @Test(arguments: [(429, true), (503, true), (500, false), (400, false), (409, false)])
    func perDocument429And503AreOverloadSignals(status: Int, isOverload: Bool) {
        let failure = KuzzleDocumentFailure(status: status, reason: "r", disposition: .retry)
        #expect(failure.isOverload == isOverload)
    }
}
