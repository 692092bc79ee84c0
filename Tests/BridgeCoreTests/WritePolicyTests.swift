import Testing

@testable import BridgeCore

/// Table tests of the write policy: every outcome class of kuzzle-api.md, per route and action, and the whole-request
/// failures (§3, §4, §8, §9, §10). No I/O.
@Suite struct WritePolicyTests {
    typealias Decision = WritePolicy.RequestDecision
    static let target = DocumentTarget(index: "shop", collection: "orders")
    static let policy = WritePolicy()

    // MARK: - Per document

    struct ItemCase: Sendable, CustomTestStringConvertible {
        var status: Int
        var route: WriteRoute
        var action: DocumentAction
        var errorType: String? = nil
        var fenced = false
        var reason = "r"
        var expected: WritePolicy.ItemVerdict
        var testDescription: String {
            "\(status) \(errorType ?? "") \(route) \(action)\(fenced ? " fenced" : "") \(reason) → \(expected)"
        }
    }

    static let conflict = "version_conflict_engine_exception"

    static let itemCases: [ItemCase] = {
        var cases: [ItemCase] = []
        // 400 (mapping error, body not an object, metadata field in body): refused on every route and action.
        for action in DocumentAction.allCases {
            cases.append(ItemCase(status: 400, route: .importBulk, action: action, expected: .refuse))
        }
        cases.append(ItemCase(status: 400, route: .mWrite, action: .write, expected: .refuse))
        // 404: mWrite → the index vanished behind Kuzzle's cache: refused; import delete/update → nothing left: done.
        cases += [
            ItemCase(status: 404, route: .mWrite, action: .write, expected: .refuse),
            ItemCase(status: 404, route: .importBulk, action: .delete, expected: .done),
            ItemCase(
                status: 404,
                route: .importBulk,
                action: .update,
                errorType: "document_missing_exception",
                expected: .done
            ),
            ItemCase(status: 404, route: .importBulk, action: .write, expected: .refuse),
            ItemCase(status: 404, route: .importBulk, action: .create, expected: .refuse),
        ]
        // 409: create → exists: done; unfenced update → lost a race, not applied: retry (issue 14 item 4);
        // fenced index/delete → a newer version is stored: done; mWrite cannot produce it: retry.
        cases += [
            ItemCase(status: 409, route: .importBulk, action: .create, errorType: conflict, expected: .done),
            ItemCase(
                status: 409,
                route: .importBulk,
                action: .update,
                errorType: conflict,
                expected: .retry(overload: false)
            ),
            ItemCase(
                status: 409,
                route: .importBulk,
                action: .update,
                errorType: conflict,
                fenced: true,
                expected: .done
            ),
            ItemCase(
                status: 409,
                route: .importBulk,
                action: .write,
                errorType: conflict,
                fenced: true,
                expected: .done
            ),
            ItemCase(
                status: 409,
                route: .importBulk,
                action: .delete,
                errorType: conflict,
                fenced: true,
                expected: .done
            ),
            ItemCase(status: 409, route: .mWrite, action: .write, expected: .retry(overload: false)),
        ]
        // 429 (thread-pool rejection) and 503: retry, overload; other 5xx (shard failures): retry.
        for route in [WriteRoute.mWrite, .importBulk] {
            let actions: [DocumentAction] = route == .mWrite ? [.write] : DocumentAction.allCases
            for action in actions {
                cases.append(ItemCase(status: 429, route: route, action: action, expected: .retry(overload: true)))
                cases.append(ItemCase(status: 503, route: route, action: action, expected: .retry(overload: true)))
                cases.append(ItemCase(status: 500, route: route, action: action, expected: .retry(overload: false)))
                cases.append(ItemCase(status: 502, route: route, action: action, expected: .retry(overload: false)))
            }
        }
        // Other 4xx: refused. No status, or a non-error one: nothing proves a write: retry.
        cases += [
            ItemCase(status: 403, route: .importBulk, action: .write, expected: .refuse),
            ItemCase(status: 0, route: .importBulk, action: .write, expected: .retry(overload: false)),
            ItemCase(status: 201, route: .mWrite, action: .write, expected: .retry(overload: false)),
        ]
        // The document controller (realtime.md §2): mCreate's per-item 400 "document already exists" (Kuzzle's own
        // mGet, not a 409) → the id exists: done; any other 400 → refused, on every action. mUpdate and mDelete 404 →
        // nothing left: done; mCreateOrReplace and mCreate 404 → refused. 429, 503, 5xx → retry.
        let exists = WritePolicy.documentAlreadyExistsReason
        cases += [
            ItemCase(status: 400, route: .document, action: .create, reason: exists, expected: .done),
            ItemCase(status: 400, route: .document, action: .write, reason: exists, expected: .refuse),
            ItemCase(status: 400, route: .importBulk, action: .create, reason: exists, expected: .refuse),
            ItemCase(status: 404, route: .document, action: .update, reason: "document not found", expected: .done),
            ItemCase(status: 404, route: .document, action: .delete, reason: "document not found", expected: .done),
            ItemCase(status: 404, route: .document, action: .write, expected: .refuse),
            ItemCase(status: 404, route: .document, action: .create, expected: .refuse),
        ]
        for action in DocumentAction.allCases {
            cases.append(ItemCase(status: 400, route: .document, action: action, expected: .refuse))
            cases.append(ItemCase(status: 429, route: .document, action: action, expected: .retry(overload: true)))
            cases.append(ItemCase(status: 503, route: .document, action: action, expected: .retry(overload: true)))
            cases.append(ItemCase(status: 500, route: .document, action: action, expected: .retry(overload: false)))
            cases.append(ItemCase(status: 0, route: .document, action: action, expected: .retry(overload: false)))
        }
        return cases
    }()

    @Test(arguments: itemCases)
    func perDocumentOutcomes(_ item: ItemCase) {
        let failure = WriteItemFailure(
            status: item.status,
            errorType: item.errorType,
            reason: item.reason,
            fenced: item.fenced
        )
        #expect(Self.policy.verdict(on: failure, route: item.route, action: item.action) == item.expected)
    }

    @Test func documentsTheClientRefusedToSendAreRefused() {
        let failure = WriteItemFailure(status: 400, reason: "empty _id (not sent)", notSent: true)
        #expect(Self.policy.verdict(on: failure, route: .importBulk, action: .delete) == .refuse)
    }

    // MARK: - Whole request

    struct RequestCase: Sendable, CustomTestStringConvertible {
        var name: String
        var failure: WriteRequestFailure
        var documents = 4
        var policy = WritePolicy()
        var history = WriteHistory()
        var expected: Kind
        var testDescription: String { name }
    }

    /// The decision's kind (refusals' texts are checked separately).
    enum Kind: Sendable, Equatable {
        case retry, split, bisect, refuse, createTarget, refuseAll, halt
    }

    static func kind(_ decision: Decision) -> Kind {
        switch decision {
        case .retry: .retry
        case .split: .split
        case .bisect: .bisect
        case .refuse: .refuse
        case .createTarget: .createTarget
        case .refuseAll: .refuseAll
        case .halt: .halt
        }
    }

    static func answered(_ status: Int, _ id: String?) -> WriteRequestFailure {
        .answered(status: status, errorID: id, message: "m")
    }

    static let unknownCollection = answered(412, "services.storage.unknown_collection")
    static let trap500 = answered(500, "core.fatal.unexpected_error")

    static let requestCases: [RequestCase] = [
        // 400: Kuzzle's (ES refused the whole bulk because of one document): bisect; alone: refuse.
        RequestCase(
            name: "400 unexpected_bad_request",
            failure: answered(400, "services.storage.unexpected_bad_request"),
            expected: .bisect
        ),
        RequestCase(
            name: "400 unexpected_bad_request alone",
            failure: answered(400, "services.storage.unexpected_bad_request"),
            documents: 1,
            expected: .refuse
        ),
        RequestCase(
            name: "400 invalid_query_keyword (script scan)",
            failure: answered(400, "services.storage.invalid_query_keyword"),
            expected: .bisect
        ),
        // A 400 that is not Kuzzle's (no error envelope: a proxy's): transient (issue 14 item 8).
        RequestCase(name: "400 without a Kuzzle error", failure: answered(400, nil), expected: .retry),
        RequestCase(
            name: "400 without a Kuzzle error alone",
            failure: answered(400, nil),
            documents: 1,
            expected: .retry
        ),
        // 401: a login token is renewed and retried; refused credentials or an API key halt.
        RequestCase(
            name: "401 token expired, login",
            failure: answered(401, "security.token.expired"),
            policy: WritePolicy(canRenewToken: true),
            expected: .retry
        ),
        RequestCase(
            name: "401 token invalid, login",
            failure: answered(401, "security.token.invalid"),
            policy: WritePolicy(canRenewToken: true),
            expected: .retry
        ),
        RequestCase(
            name: "401 token expired, API key",
            failure: answered(401, "security.token.expired"),
            expected: .halt
        ),
        RequestCase(
            name: "401 anonymous refused",
            failure: answered(401, "security.rights.unauthorized"),
            policy: WritePolicy(canRenewToken: true),
            expected: .halt
        ),
        RequestCase(name: "403 forbidden", failure: answered(403, "security.rights.forbidden"), expected: .halt),
        RequestCase(name: "404 url_not_found", failure: answered(404, "network.http.url_not_found"), expected: .halt),
        // 412: create once when configured; else dead-letter with a dead-letter topic; else halt (issue 14 item 9).
        RequestCase(
            name: "412 create_missing_collections",
            failure: unknownCollection,
            policy: WritePolicy(createMissingCollections: true),
            expected: .createTarget
        ),
        RequestCase(
            name: "412 create_missing_collections, creation tried",
            failure: unknownCollection,
            policy: WritePolicy(createMissingCollections: true, hasDeadLetterTopic: true),
            history: {
                var h = WriteHistory()
                h.triedCreatingTarget = true
                return h
            }(),
            expected: .halt
        ),
        RequestCase(
            name: "412 unknown_index, dead-letter topic",
            failure: answered(412, "services.storage.unknown_index"),
            policy: WritePolicy(hasDeadLetterTopic: true),
            expected: .refuseAll
        ),
        RequestCase(
            name: "412 unknown_collection, dead-letter topic",
            failure: unknownCollection,
            policy: WritePolicy(hasDeadLetterTopic: true),
            expected: .refuseAll
        ),
        RequestCase(name: "412 unknown_collection, no dead-letter topic", failure: unknownCollection, expected: .halt),
        RequestCase(
            name: "412 other id",
            failure: answered(412, "services.storage.index_already_exists"),
            policy: WritePolicy(hasDeadLetterTopic: true),
            expected: .halt
        ),
        // 413: split; alone: refuse. A body the client would not send: the same.
        RequestCase(
            name: "413 request_too_large",
            failure: answered(413, "network.http.request_too_large"),
            expected: .split
        ),
        RequestCase(
            name: "413 alone",
            failure: answered(413, "network.http.request_too_large"),
            documents: 1,
            expected: .refuse
        ),
        // The document controller's count limit: split (the plan also lowers its cap, BatchWritePlanTests).
        RequestCase(
            name: "413 write_limit_exceeded",
            failure: answered(413, WritePolicy.writeLimitExceededID),
            documents: 200,
            expected: .split
        ),
        RequestCase(
            name: "too large to send",
            failure: .tooLargeToSend(bytes: 2_000_000, message: "m"),
            expected: .split
        ),
        RequestCase(
            name: "too large to send alone",
            failure: .tooLargeToSend(bytes: 2_000_000, message: "m"),
            documents: 1,
            expected: .refuse
        ),
        // 429, 503, 504, 502, 408: retry forever, however often they repeat.
        RequestCase(
            name: "429 too_many_requests",
            failure: answered(429, "api.process.too_many_requests"),
            history: WriteHistory(identical: answered(429, "api.process.too_many_requests"), count: 50),
            expected: .retry
        ),
        RequestCase(
            name: "503 overloaded",
            failure: answered(503, "api.process.overloaded"),
            history: WriteHistory(identical: answered(503, "api.process.overloaded"), count: 50),
            expected: .retry
        ),
        RequestCase(
            name: "504 from a proxy",
            failure: answered(504, nil),
            history: WriteHistory(identical: answered(504, nil), count: 50),
            expected: .retry
        ),
        RequestCase(name: "502 from a proxy", failure: answered(502, nil), expected: .retry),
        // 500: retry; once it repeated identically, bisect; alone, refuse (issue 14 item 5).
        RequestCase(name: "500 first time", failure: trap500, expected: .retry),
        RequestCase(
            name: "500 twice",
            failure: trap500,
            history: WriteHistory(identical: trap500, count: 1),
            expected: .retry
        ),
        RequestCase(
            name: "500 storage not_connected, repeating",
            failure: answered(500, "services.storage.not_connected"),
            history: WriteHistory(identical: answered(500, "services.storage.not_connected"), count: 40),
            expected: .retry
        ),
        RequestCase(
            name: "500 too_many_operations, repeating",
            failure: answered(500, "services.storage.too_many_operations"),
            history: WriteHistory(identical: answered(500, "services.storage.too_many_operations"), count: 40),
            expected: .retry
        ),
        // Transport: timeouts and unreachable retry; dropped connections retry unless they repeat at a large size.
        RequestCase(name: "timeout", failure: .timedOut(message: "deadline"), expected: .retry),
        RequestCase(name: "unreachable", failure: .unreachable(message: "refused"), expected: .retry),
        RequestCase(
            name: "reset on a small body",
            failure: .connectionDropped(sentBytes: 2_000, message: "reset"),
            history: WriteHistory(identical: .connectionDropped(sentBytes: 2_000, message: "reset"), count: 20),
            expected: .retry
        ),
        RequestCase(
            name: "reset on a large body, first time",
            failure: .connectionDropped(sentBytes: 900_000, message: "reset"),
            expected: .retry
        ),
        RequestCase(name: "TLS trust failure", failure: .unusable(message: "TLS"), expected: .halt),
        RequestCase(name: "unreadable 200 answer", failure: answered(200, nil), expected: .retry),
        RequestCase(name: "405", failure: answered(405, nil), expected: .halt),
    ]

    @Test(arguments: requestCases)
    func wholeRequestFailures(_ item: RequestCase) {
        let history = item.history.noting(item.failure, policy: item.policy)
        let decision = item.policy.decide(
            after: item.failure,
            documents: item.documents,
            history: history,
            target: Self.target
        )
        #expect(Self.kind(decision) == item.expected)
    }

    @Test func anIdentical500RepeatingIsBisectedAndTheLoneDocumentRefusedNamingStatusAndErrorID() {
        var history = WriteHistory()
        var decisions: [Kind] = []
        for _ in 0..<3 {
            history = history.noting(Self.trap500, policy: Self.policy)
            decisions.append(
                Self.kind(Self.policy.decide(after: Self.trap500, documents: 8, history: history, target: Self.target))
            )
        }
        #expect(decisions == [.retry, .retry, .bisect])
        // The halves: the same failure is known to repeat: bisected at once, the lone document refused at once.
        history.groupChanged()
        history = history.noting(Self.trap500, policy: Self.policy)
        #expect(Self.policy.decide(after: Self.trap500, documents: 4, history: history, target: Self.target) == .bisect)
        let alone = Self.policy.decide(after: Self.trap500, documents: 1, history: history, target: Self.target)
        guard case .refuse(let refusal) = alone else {
            Issue.record("expected a refusal, got \(alone)")
            return
        }
        #expect(refusal.status == 500)
        #expect(refusal.errorID == "core.fatal.unexpected_error")
        #expect(refusal.reason.contains("HTTP 500 core.fatal.unexpected_error"))
        // A different failure in between starts the count again.
        var other = WriteHistory(identical: Self.trap500, count: 2)
        other = other.noting(Self.answered(500, "services.storage.unexpected_error"), policy: Self.policy)
        #expect(other.identicalFailures == 1)
    }

    @Test func dropsSplitOnlyWhenTheyRepeatAtTheSameLargeSize() {
        let drop = WriteRequestFailure.connectionDropped(sentBytes: 900_000, message: "reset")
        var history = WriteHistory()
        var decisions: [Kind] = []
        for _ in 0..<3 {
            history = history.noting(drop, policy: Self.policy)
            decisions.append(
                Self.kind(Self.policy.decide(after: drop, documents: 8, history: history, target: Self.target))
            )
        }
        #expect(decisions == [.retry, .retry, .split])
        // Drops at different sizes (a restarting Kuzzle under a varying load) never add up.
        var varying = WriteHistory()
        for bytes in [900_000, 800_000, 900_000, 700_000] {
            let failure = WriteRequestFailure.connectionDropped(sentBytes: bytes, message: "reset")
            varying = varying.noting(failure, policy: Self.policy)
            #expect(Self.policy.decide(after: failure, documents: 8, history: varying, target: Self.target) == .retry)
        }
    }

    @Test func a412RefusalNamesTheTargetAndTheErrorID() {
        let decision = WritePolicy(hasDeadLetterTopic: true).decide(
            after: Self.unknownCollection,
            documents: 2,
            history: WriteHistory(),
            target: Self.target
        )
        guard case .refuseAll(let refusal) = decision else {
            Issue.record("expected refuseAll, got \(decision)")
            return
        }
        #expect(refusal.status == 412)
        #expect(refusal.errorID == "services.storage.unknown_collection")
        #expect(refusal.reason.contains("shop/orders"))
    }
}
