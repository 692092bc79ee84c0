import NIOCore
import Synchronization

extension ActionContext {
    /// Which document:m* write runs (realtime.md §2, kuzzle-api.md §4.3).
    enum DocumentWriteKind: Sendable {
        /// document:mCreateOrReplace.
        case createOrReplace
        /// document:mCreate: an existing id is a per-item 400 "document already exists" (Kuzzle's own mGet).
        case create
        /// document:mUpdate: a missing id is a per-item 404 "document not found".
        case update

        /// The action name, used as the strict error's props.
        var actionName: String {
            switch self {
            case .createOrReplace: "mCreateOrReplace"
            case .create: "mCreate"
            case .update: "mUpdate"
            }
        }
    }

    /// One input document after Kuzzle's checks.
    private enum DocumentInput {
        case rejected(document: RawJSON, reason: String, status: Int)
        case write(id: String, body: [UInt8])
    }

    /// One settled document of the request.
    private enum DocumentResult {
        case failed(document: ByteBuffer, reason: String, status: Int)
        case written(id: String, source: [UInt8], version: Int, created: Bool)
    }

    /// The 413 Kuzzle answers above `limits.documentsWriteCount`.
    static let writeLimitExceeded = KuzzleErrorReply(
        status: 413,
        id: "services.storage.write_limit_exceeded",
        message: "The number of documents edited by this request exceeds the configured server limit."
    )

    /// document:mCreateOrReplace, mCreate, mUpdate: the count check first (413, nothing written), `_source` refused,
    /// `body._kuzzle_info` stripped and Kuzzle's stamped, per-document errors, `source=false` (mCreateOrReplace),
    /// `strict`, and the notifications Kuzzle would send (none for a strict request with a failed item).
    func mDocumentWrite(_ kind: DocumentWriteKind) -> ActionResult {
        let documents: RawJSON
        switch requireArray("documents") {
        case .success(let array): documents = array
        case .failure(let failure): return .failure(failure)
        }
        let inputs = documents.elements()
        if inputs.count > state.limits.withLock({ $0.documentsWriteCount }) {
            return .failure(ActionFailure(Self.writeLimitExceeded))
        }
        if inputs.isEmpty { return .success(ByteBuffer(staticString: "{\"errors\":[],\"successes\":[]}")) }
        for (position, input) in inputs.enumerated() where input["_source"] != nil {
            return .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 400,
                        id: "api.assert.unexpected_argument",
                        message: "Unexpected argument \"documents[\(position)]._source\".",
                        props: ["documents[\(position)]._source"]
                    )
                )
            )
        }
        if let failure = refreshFailure() { return .failure(failure) }
        if let failure = targetFailure() { return .failure(failure) }
        let action = prepared.match.action
        state.countReceived(action, inputs.count)
        let checked = inputs.map { checkDocument($0, kind: kind) }
        let now = Int(StandInState.now())
        let stamp: JSONFragment =
            kind == .update
            ? .object([("updatedAt", .int(now)), ("updater", .string(caller.kuid))])
            : .object([
                ("author", .string(caller.kuid)), ("createdAt", .int(now)), ("updatedAt", .null), ("updater", .null),
            ])
        let results: [DocumentResult] = state.store.withLock { store in
            checked.map { input in
                switch input {
                case .rejected(let document, let reason, let status):
                    return .failed(document: ByteBuffer(bytes: document.bytes), reason: reason, status: status)
                case .write(let id, let body):
                    return apply(kind, id: id, body: body, stamp: stamp, store: &store)
                }
            }
        }
        var written: [(action: String, id: String)] = []
        var errors: [(document: ByteBuffer, reason: String, status: Int)] = []
        for result in results {
            switch result {
            case .failed(let document, let reason, let status): errors.append((document, reason, status))
            case .written(let id, _, _, let created):
                written.append((kind == .update ? "update" : created ? "create" : "replace", id))
            }
        }
        state.countWritten(written.count)
        var errorList = ByteBuffer()
        errorList.writeStaticString("[")
        for (position, error) in errors.enumerated() {
            if position > 0 { errorList.writeStaticString(",") }
            var document = error.document
            errorList.writeStaticString("{\"document\":")
            errorList.writeBuffer(&document)
            errorList.writeStaticString(",\"reason\":")
            errorList.writeJSONString(error.reason)
            errorList.writeStaticString(",\"status\":")
            errorList.writeJSONNumber(error.status)
            errorList.writeStaticString("}")
        }
        errorList.writeStaticString("]")
        if request.flag("strict"), !errors.isEmpty {
            // The strict check throws before the notifier runs: the written documents stay written, unnotified.
            return .failure(.incomplete(kind.actionName, errors: errorList, count: errors.count))
        }
        if !request.flag("silent") {
            state.notifications.withLock { $0.record(written, requestAction: action, volatile: prepared.volatile) }
        }
        let withSource = !(kind == .createOrReplace && request.query["source"] == "false")
        var result = ByteBuffer()
        result.writeStaticString("{\"errors\":")
        result.writeBuffer(&errorList)
        result.writeStaticString(",\"successes\":[")
        var first = true
        for case .written(let id, let source, let version, let created) in results {
            if !first { result.writeStaticString(",") }
            first = false
            result.writeStaticString("{\"_id\":")
            result.writeJSONString(id)
            if withSource {
                result.writeStaticString(",\"_source\":")
                result.writeBytes(source)
            }
            result.writeStaticString(",\"_version\":")
            result.writeJSONNumber(version)
            if kind != .update {
                result.writeStaticString(created ? ",\"created\":true" : ",\"created\":false")
            }
            result.writeStaticString(
                created ? ",\"result\":\"created\",\"status\":201}" : ",\"result\":\"updated\",\"status\":200}"
            )
        }
        result.writeStaticString("]}")
        return .success(result)
    }

    /// Kuzzle's per-document checks, then Elasticsearch's (metadata fields, injected mapping rejections).
    private func checkDocument(_ input: RawJSON, kind: DocumentWriteKind) -> DocumentInput {
        let idValue = input["_id"]
        guard let bodyValue = input["body"], bodyValue.kind == .object else {
            return .rejected(document: input, reason: "document body must be an object", status: 400)
        }
        guard let id = idValue?.stringValue, !id.isEmpty else {
            if kind == .create, idValue == nil { return .write(id: Self.generateID(), body: stripped(bodyValue)) }
            return .rejected(document: input, reason: "document _id must be a string", status: 400)
        }
        let rules = state.faults.withLock { $0.rejections }
        if let rejection = documentRejection(bodyValue, id: id, rules: rules) {
            return .rejected(document: input, reason: rejection.reason, status: 400)
        }
        return .write(id: id, body: stripped(bodyValue))
    }

    /// The body without `_kuzzle_info` (Kuzzle deletes it from every input).
    private func stripped(_ body: RawJSON) -> [UInt8] {
        guard body["_kuzzle_info"] != nil else { return Array(body.bytes) }
        var buffer = ByteBuffer()
        buffer.writeStaticString("{")
        var first = true
        for member in body.members() where member.key != "_kuzzle_info" {
            if !first { buffer.writeStaticString(",") }
            first = false
            buffer.writeJSONKey(member.key)
            buffer.writeBytes(member.value.bytes)
        }
        buffer.writeStaticString("}")
        return Array(buffer.readableBytesView)
    }

    /// Writes one checked document.
    private func apply(
        _ kind: DocumentWriteKind,
        id: String,
        body: [UInt8],
        stamp: JSONFragment,
        store: inout DocumentStore
    ) -> DocumentResult {
        let existing = store.document(index: index, collection: collection, id: id)
        guard let parsed = try? RawJSON.parse(body) else {
            return .failed(document: Self.documentItem(id: id, body: body), reason: "invalid body", status: 400)
        }
        switch kind {
        case .create where existing != nil:
            return .failed(
                document: Self.documentItem(id: id, body: body),
                reason: "document already exists",
                status: 400
            )
        case .update:
            guard let existing else {
                return .failed(
                    document: Self.documentItem(id: id, body: body),
                    reason: "document not found",
                    status: 404
                )
            }
            let change = JSONMerge.replacing(key: "_kuzzle_info", with: stamp, in: parsed)
            let merged = JSONMerge.deepMerge(existing.body, change)
            let outcome = store.put(index: index, collection: collection, id: id, body: merged)
            return .written(id: id, source: merged, version: outcome.version, created: false)
        case .create, .createOrReplace:
            let stored = JSONMerge.replacing(key: "_kuzzle_info", with: stamp, in: parsed)
            let outcome = store.put(index: index, collection: collection, id: id, body: stored)
            return .written(id: id, source: stored, version: outcome.version, created: outcome.created)
        }
    }

    /// `{"_id":…,"body":…}`, the `document` of an error item.
    private static func documentItem(id: String, body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"_id\":")
        buffer.writeJSONString(id)
        buffer.writeStaticString(",\"body\":")
        buffer.writeBytes(body)
        buffer.writeStaticString("}")
        return buffer
    }

    /// document:mDelete (`{"ids":[…]}`): more found documents than `limits.documentsWriteCount` → 413, nothing
    /// deleted; missing ids are 404 items; `delete` notifications (scope `out`) for the others unless a strict request
    /// had a missing id.
    func mDelete() -> ActionResult {
        let list: RawJSON
        switch requireArray("ids") {
        case .success(let array): list = array
        case .failure(let failure): return .failure(failure)
        }
        if let failure = refreshFailure() { return .failure(failure) }
        if let failure = targetFailure() { return .failure(failure) }
        let ids = list.elements().map { $0.stringValue ?? $0.text }
        state.countReceived(.documentMDelete, ids.count)
        let limit = state.limits.withLock { $0.documentsWriteCount }
        let deleted: [String]? = state.store.withLock { store in
            let found = ids.filter { store.document(index: index, collection: collection, id: $0) != nil }
            guard found.count <= limit else { return nil }
            return found.filter { store.delete(index: index, collection: collection, id: $0) != nil }
        }
        guard let deleted else { return .failure(ActionFailure(Self.writeLimitExceeded)) }
        state.countWritten(deleted.count)
        let deletedSet = Set(deleted)
        let missing = ids.filter { !deletedSet.contains($0) }
        var errors = ByteBuffer()
        JSONFragment.array(
            missing.map {
                .object([("_id", .string($0)), ("reason", .string("document not found")), ("status", .int(404))])
            }
        ).write(into: &errors)
        if request.flag("strict"), !missing.isEmpty {
            return .failure(.incomplete("delete", errors: errors, count: missing.count))
        }
        if !request.flag("silent") {
            state.notifications.withLock {
                $0.record(deleted.map { ("delete", $0) }, requestAction: .documentMDelete, volatile: prepared.volatile)
            }
        }
        var result = ByteBuffer()
        result.writeStaticString("{\"successes\":")
        JSONFragment.array(deleted.map { .string($0) }).write(into: &result)
        result.writeStaticString(",\"errors\":")
        result.writeBuffer(&errors)
        result.writeStaticString("}")
        return .success(result)
    }

    /// server:capabilities (`GET /_capabilities`, Kuzzle ≥ 2.17): `limits` and `server.maxRequestSize`; a 404
    /// `network.http.url_not_found` when the stand-in plays an older Kuzzle.
    func capabilities() -> ActionResult {
        let limits = state.limits.withLock { $0 }
        if limits.refusesCapabilities { return .failure(ActionFailure(.urlNotFound("/_capabilities"))) }
        let size = state.configuration.maxRequestSize
        let sizeText =
            size % 1_048_576 == 0 ? "\(size / 1_048_576)MB" : size % 1024 == 0 ? "\(size / 1024)KB" : "\(size)b"
        return .success(
            JSONFragment.object([
                (
                    "limits",
                    .object([
                        ("concurrentRequests", .int(limits.concurrentRequests)), ("documentsFetchCount", .int(10_000)),
                        ("documentsWriteCount", .int(limits.documentsWriteCount)), ("loginsPerSecond", .int(50)),
                        ("requestsBufferSize", .int(50_000)), ("requestsBufferWarningThreshold", .int(5000)),
                    ])
                ),
                ("server", .object([("maxRequestSize", .string(sizeText))])),
                ("version", .string("2.56.0")),
            ]).buffer
        )
    }
}
