import JSONScan
import Logging
import NIOCore
import NIOHTTP1

extension KuzzleClient {
    /// Creates or replaces documents: `POST /{index}/{collection}/_mWrite?strict[&refresh=wait_for][&notify]`.
    ///
    /// Every operation must be ``KuzzleBulkAction/index``. mWrite adds no Kuzzle metadata and is idempotent for
    /// a given `_id`, so a batch may be replayed after any failure.
    ///
    /// - Returns: One outcome per operation, by position. With strict, Kuzzle answers 400
    ///   `api.process.incomplete_multiple_request` listing only the failures; everything else was written and is
    ///   reported ``KuzzleDocumentOutcome/written``.
    /// - Throws: ``KuzzleError`` when the request as a whole failed (nothing known to be written), including a
    ///   body larger than ``KuzzleClientConfiguration/maximumRequestBytes`` (tooLarge, not sent) and an operation
    ///   whose action is not index (fatal: a caller bug).
    public func mWrite(
        index: String,
        collection: String,
        operations: [KuzzleBulkOperation],
        options: KuzzleWriteOptions = KuzzleWriteOptions()
    ) async throws(KuzzleError) -> KuzzleBulkResult {
        if let wrong = operations.first(where: { $0.action != .index }) {
            throw KuzzleError(
                kind: .fatal,
                status: nil,
                id: nil,
                message: "bulk:mWrite only creates or replaces; operation \"\(wrong.id)\" is \(wrong.action.rawValue)"
            )
        }
        return try await bulk(.mWrite, index: index, collection: collection, operations: operations, options: options)
    }

    /// Runs Elasticsearch bulk actions: `POST /{index}/{collection}/_bulk?strict[&refresh=wait_for]`.
    ///
    /// Kuzzle adds `_kuzzle_info` to index/create payloads. An update's body is the partial document (sent as
    /// `{"doc":<body>}`); a delete has none.
    ///
    /// - Returns: One outcome per operation, by position; a delete of a missing id and a create of an existing id
    ///   are failures with disposition ``KuzzleDocumentFailure/Disposition/alreadyDone``.
    /// - Throws: ``KuzzleError`` when the request as a whole failed.
    public func importBulk(
        index: String,
        collection: String,
        operations: [KuzzleBulkOperation],
        options: KuzzleWriteOptions = KuzzleWriteOptions()
    ) async throws(KuzzleError) -> KuzzleBulkResult {
        try await bulk(.importBulk, index: index, collection: collection, operations: operations, options: options)
    }

    /// Writes through the document controller (realtime.md §2): `route` is ``KuzzleBulkRoute/mCreateOrReplace``
    /// (operations ``KuzzleBulkAction/index``), ``KuzzleBulkRoute/mCreate`` (create), ``KuzzleBulkRoute/mUpdate``
    /// (update) or ``KuzzleBulkRoute/mDelete`` (delete).
    ///
    /// Kuzzle stamps `_kuzzle_info` and sends realtime notifications, so the request runs without `strict` (a strict
    /// request with one failed item notifies nothing) and each document counts written only when the 200 answer lists
    /// it among the successes. mCreateOrReplace asks `source=false` (smaller answers). Kuzzle refuses more documents
    /// than its `limits.documentsWriteCount` with 413 `services.storage.write_limit_exceeded`: the caller caps requests.
    ///
    /// - Returns: One outcome per operation, by position: mCreate's 400 "document already exists" and the 404 of
    ///   mUpdate and mDelete are failures with disposition ``KuzzleDocumentFailure/Disposition/alreadyDone``.
    /// - Throws: ``KuzzleError`` when the request as a whole failed, and (fatal: a caller bug) for a bulk route or an
    ///   operation whose action the route does not carry.
    public func writeDocuments(
        route: KuzzleBulkRoute,
        index: String,
        collection: String,
        operations: [KuzzleBulkOperation],
        options: KuzzleWriteOptions = KuzzleWriteOptions()
    ) async throws(KuzzleError) -> KuzzleBulkResult {
        guard let action = route.documentAction else {
            throw KuzzleError(
                kind: .fatal,
                status: nil,
                id: nil,
                message: "\(route) is not a document controller route"
            )
        }
        if let wrong = operations.first(where: { $0.action != action }) {
            throw KuzzleError(
                kind: .fatal,
                status: nil,
                id: nil,
                message:
                    "\(route) only carries \(action.rawValue); operation \"\(wrong.id)\" is \(wrong.action.rawValue)"
            )
        }
        return try await bulk(route, index: index, collection: collection, operations: operations, options: options)
    }

    /// Validates, encodes, sends and decodes one bulk request.
    private func bulk(
        _ route: KuzzleBulkRoute,
        index: String,
        collection: String,
        operations: [KuzzleBulkOperation],
        options: KuzzleWriteOptions
    ) async throws(KuzzleError) -> KuzzleBulkResult {
        // Operations Elasticsearch would refuse as a whole bulk are failed here, without being sent. The usual case,
        // none refused, sends the array as it is (no copy of each operation).
        let firstRefused = operations.firstIndex { Self.refusal(of: $0) != nil }
        var sent = operations
        var sentPositions: [Int]?
        var outcomes: [KuzzleDocumentOutcome] = []
        if let firstRefused {
            outcomes = [KuzzleDocumentOutcome](repeating: .written, count: operations.count)
            sent = Array(operations[..<firstRefused])
            var positions = Array(operations.indices[..<firstRefused])
            for position in operations.indices[firstRefused...] {
                if let refusal = Self.refusal(of: operations[position]) {
                    outcomes[position] = .failed(refusal)
                } else {
                    sent.append(operations[position])
                    positions.append(position)
                }
            }
            sentPositions = positions
        }
        guard !sent.isEmpty else { return KuzzleBulkResult(outcomes: outcomes) }

        let body = try encodeBody(sent, route: route)
        let answer = try await perform(
            HTTPMethod(rawValue: route.method),
            Self.pathSegment(index) + Self.pathSegment(collection) + "/" + route.pathSuffix
                + query(route: route, options: options),
            body: body,
            gzipped: configuration.gzipRequests,
            headers: options.volatile.map { [("X-Kuzzle-Volatile", $0)] } ?? []
        )
        let sentOutcomes = try decodeBulkAnswer(
            answer,
            route: route,
            sent: sent,
            listsSuccesses: !Self.isStrict(route: route, options: options)
        )
        if let sentPositions {
            for (offset, position) in sentPositions.enumerated() { outcomes[position] = sentOutcomes[offset] }
        } else {
            outcomes = sentOutcomes
        }
        logger.debug(
            "Kuzzle bulk answered",
            metadata: [
                "kuzzle.route": "\(route)", "kuzzle.index": "\(index)", "kuzzle.collection": "\(collection)",
                "batch.documents": "\(sent.count)", "batch.bytes": "\(body.readableBytes)",
                "batch.failed": "\(sentOutcomes.count { $0 != .written })",
            ]
        )
        return KuzzleBulkResult(outcomes: outcomes)
    }

    /// The body as sent: built, gzip-compressed when configured, and checked against the size limit.
    ///
    /// - Throws: ``KuzzleError`` tooLarge when the bytes to send exceed ``KuzzleClientConfiguration/maximumRequestBytes``.
    func encodeBody(_ sent: [KuzzleBulkOperation], route: KuzzleBulkRoute) throws(KuzzleError) -> ByteBuffer {
        var body = KuzzleRequestBody.make(contiguous: sent, route: route)
        if configuration.gzipRequests {
            body = try GzipCompressor.compress(body)
        }
        guard body.readableBytes <= configuration.maximumRequestBytes else {
            throw KuzzleError(
                kind: .tooLarge,
                status: nil,
                id: nil,
                message: "request body of \(body.readableBytes) bytes exceeds maximumRequestBytes "
                    + "(\(configuration.maximumRequestBytes)); not sent",
                bodyBytes: body.readableBytes
            )
        }
        return body
    }

    /// Whether the request runs with `strict`: every bulk request but a notifying one (mWrite with `notify`, the
    /// document controller), since strict mode suppresses every notification of a request with one failed item.
    static func isStrict(route: KuzzleBulkRoute, options: KuzzleWriteOptions) -> Bool {
        options.testForcesStrict || !(route.isDocumentController || (route == .mWrite && options.notify))
    }

    /// The query string: `strict` (see ``isStrict(route:options:)``), `refresh=wait_for` and (mWrite) `notify` when
    /// asked, `source=false` for mCreateOrReplace.
    func query(route: KuzzleBulkRoute, options: KuzzleWriteOptions) -> String {
        var arguments: [String] = []
        if Self.isStrict(route: route, options: options) { arguments.append("strict") }
        if (options.refresh ?? configuration.refresh) == .waitFor { arguments.append("refresh=wait_for") }
        if route == .mWrite && options.notify { arguments.append("notify") }
        if route == .mCreateOrReplace { arguments.append("source=false") }
        return arguments.isEmpty ? "" : "?" + arguments.joined(separator: "&")
    }

    /// Why an operation is failed without being sent, or `nil` when it can be sent.
    static func refusal(of operation: borrowing KuzzleBulkOperation) -> KuzzleDocumentFailure? {
        if let problem = DocumentRules.problemWithID(byteCount: operation.id.utf8.count) {
            return KuzzleDocumentFailure(
                status: 400,
                reason: "_id \(problem) (not sent)",
                disposition: .permanent,
                notSent: true
            )
        }
        if operation.action.hasBody && operation.body == nil {
            return KuzzleDocumentFailure(
                status: 400,
                reason: "\(operation.action.rawValue) without a body (not sent)",
                disposition: .permanent,
                notSent: true
            )
        }
        return nil
    }

    /// Turns a bulk answer into one outcome per operation sent.
    ///
    /// - 2xx: `result.errors` lists the failures. 400 `api.process.incomplete_multiple_request`: `error.errors` does.
    ///   Anything else is a whole-request failure.
    /// - `listsSuccesses` (a request without `strict`): `result.successes` is read too, and a document listed in
    ///   neither is reported failed with status 0 (retried): offsets move only past documents Kuzzle listed as
    ///   written.
    /// - Throws: ``KuzzleError``: the classified error; transient when a success answer is unreadable or names a
    ///   failure that matches no operation sent (replaying the batch is idempotent).
    func decodeBulkAnswer(
        _ answer: HTTPAnswer,
        route: KuzzleBulkRoute,
        sent: [KuzzleBulkOperation],
        listsSuccesses: Bool = false
    ) throws(KuzzleError) -> [KuzzleDocumentOutcome] {
        let failures: [KuzzleItemFailure]
        var successIDs: Set<[UInt8]>?
        switch answer.status {
        case 200...299:
            let parsed = try parse(answer) { (scanner) throws(JSONScanError) in
                try KuzzleBulkAnswerResult.parse(&scanner, readingSuccesses: listsSuccesses)
            }
            failures = parsed.result?.failures ?? []
            if listsSuccesses { successIDs = parsed.result?.successIDs ?? [] }
        case 400:
            let parsed = try? parse(answer) { (scanner) throws(JSONScanError) in try scanner.skipValue() }
            guard let error = parsed?.error, error.id == "api.process.incomplete_multiple_request",
                let items = error.items
            else { throw self.error(from: answer) }
            failures = items
        default:
            throw error(from: answer)
        }
        do {
            var outcomes = try KuzzleBulkOutcomeMapper(route: route).outcomes(for: sent, failures: failures)
            if let successIDs {
                for position in outcomes.indices
                where outcomes[position] == .written && !successIDs.contains(Array(sent[position].id.utf8)) {
                    outcomes[position] = .failed(
                        KuzzleDocumentFailure(
                            status: 0,
                            reason: "\(route) listed the document neither among its successes nor its errors",
                            disposition: .retry
                        )
                    )
                }
            }
            return outcomes
        } catch {
            let ids = error.items.prefix(3).map { $0.id ?? "(no id)" }.joined(separator: ", ")
            throw KuzzleError(
                kind: .transient,
                status: answer.status,
                id: nil,
                message: "\(error.items.count) failures name no document of the batch (\(ids))"
            )
        }
    }
}
