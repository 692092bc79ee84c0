import NIOCore
import Synchronization

extension ActionContext {
    /// document:get → `{"_id","_source","_version"}`, or 404 `services.storage.not_found`.
    func getDocument() -> ActionResult {
        if documentID == "_search" {
            return .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 400,
                        id: "services.storage.search_as_an_id",
                        message: "_search is not a valid document identifier"
                    )
                )
            )
        }
        if let failure = targetFailure() { return .failure(failure) }
        guard let document = state.store.withLock({ $0.document(index: index, collection: collection, id: documentID) })
        else {
            return .failure(ActionFailure(.documentNotFound(documentID, index, collection)))
        }
        return .success(Self.documentResult(id: documentID, document: document))
    }

    /// document:exists → `true`/`false`.
    func documentExists() -> ActionResult {
        if let failure = targetFailure() { return .failure(failure) }
        let exists = state.store.withLock { $0.document(index: index, collection: collection, id: documentID) != nil }
        return .success(JSONFragment.bool(exists).buffer)
    }

    /// document:mGet → `{"successes":[{"_id","_source","_version"}],"errors":["missing-id",…]}`.
    func mGet() -> ActionResult {
        var ids: [String] = []
        if let array = body?["ids"] {
            guard array.kind == .array else {
                return .failure(ActionFailure(.invalidType("body.ids", expected: "array")))
            }
            ids = array.elements().map { $0.stringValue ?? $0.text }
        } else if let list = request.query["ids"] {
            if let parsed = try? RawJSON.parse(Array(list.utf8)), parsed.kind == .array {
                ids = parsed.elements().map { $0.stringValue ?? $0.text }
            } else {
                ids = list.split(separator: ",").map(String.init)
            }
        } else {
            return .failure(ActionFailure(.missingArgument("body.ids")))
        }
        if ids.count > 10_000 {
            return .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 413,
                        id: "services.storage.get_limit_exceeded",
                        message: "The number of documents returned by this request exceeds the configured server limit."
                    )
                )
            )
        }
        if let failure = targetFailure() { return .failure(failure) }
        let found = state.store.withLock { store in
            ids.map { (id: $0, document: store.document(index: index, collection: collection, id: $0)) }
        }
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"successes\":[")
        var first = true
        for entry in found {
            guard let document = entry.document else { continue }
            if !first { buffer.writeStaticString(",") }
            first = false
            var item = Self.documentResult(id: entry.id, document: document)
            buffer.writeBuffer(&item)
        }
        buffer.writeStaticString("],\"errors\":")
        JSONFragment.array(found.filter { $0.document == nil }.map { .string($0.id) }).write(into: &buffer)
        buffer.writeStaticString("}")
        return .success(buffer)
    }

    /// document:count → `{"count":N}` (the stand-in ignores `query`: no search engine).
    func count() -> ActionResult {
        if let failure = targetFailure() { return .failure(failure) }
        let total = state.store.withLock { $0.documents(index: index, collection: collection).count }
        return .success(JSONFragment.object([("count", .int(total))]).buffer)
    }

    /// document:createOrReplace (`PUT /{i}/{c}/{id}`) and document:replace.
    func createOrReplace(mustExist: Bool) -> ActionResult {
        guard let body else { return .failure(ActionFailure(.bodyRequired())) }
        if let failure = refreshFailure() { return .failure(failure) }
        if let failure = targetFailure() { return .failure(failure) }
        let info = JSONFragment.object([
            ("author", .string(caller.kuid)), ("createdAt", .int(Int(StandInState.now()))), ("updatedAt", .null),
            ("updater", .null),
        ])
        let stored = JSONMerge.replacing(key: "_kuzzle_info", with: info, in: body)
        let outcome: (version: Int, created: Bool)? = state.store.withLock { store in
            if mustExist, store.document(index: index, collection: collection, id: documentID) == nil { return nil }
            return store.put(index: index, collection: collection, id: documentID, body: stored)
        }
        guard let outcome else { return .failure(ActionFailure(.documentNotFound(documentID, index, collection))) }
        state.countWritten(1)
        var result = Self.documentResult(
            id: documentID,
            document: StoredDocument(body: stored, version: outcome.version)
        )
        if !mustExist {
            result.moveWriterIndex(to: result.writerIndex - 1)
            result.writeStaticString(outcome.created ? ",\"created\":true}" : ",\"created\":false}")
        }
        return .success(result)
    }

    /// document:create: 400 `services.storage.document_already_exists` on an existing id.
    func createDocument() -> ActionResult {
        guard let body else { return .failure(ActionFailure(.bodyRequired())) }
        if let failure = refreshFailure() { return .failure(failure) }
        if let failure = targetFailure() { return .failure(failure) }
        let id = documentID.isEmpty ? Self.generateID() : documentID
        let info = JSONFragment.object([
            ("author", .string(caller.kuid)), ("createdAt", .int(Int(StandInState.now()))), ("updatedAt", .null),
            ("updater", .null),
        ])
        let stored = JSONMerge.replacing(key: "_kuzzle_info", with: info, in: body)
        let version: Int? = state.store.withLock { store in
            if store.document(index: index, collection: collection, id: id) != nil { return nil }
            return store.put(index: index, collection: collection, id: id, body: stored).version
        }
        guard let version else {
            return .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 400,
                        id: "services.storage.document_already_exists",
                        message: "Document already exists."
                    )
                )
            )
        }
        state.countWritten(1)
        return .success(Self.documentResult(id: id, document: StoredDocument(body: stored, version: version)))
    }

    /// document:delete → `{"_id"}`, or 404.
    func deleteDocument() -> ActionResult {
        if let failure = refreshFailure() { return .failure(failure) }
        if let failure = targetFailure() { return .failure(failure) }
        guard state.store.withLock({ $0.delete(index: index, collection: collection, id: documentID) }) != nil else {
            return .failure(ActionFailure(.documentNotFound(documentID, index, collection)))
        }
        state.countWritten(1)
        return .success(JSONFragment.object([("_id", .string(documentID))]).buffer)
    }

    /// document:* routes pass `refresh` to Elasticsearch, which only accepts `wait_for` and `false`.
    func refreshFailure() -> ActionFailure? {
        guard let refresh = request.query["refresh"], refresh != "wait_for", refresh != "false" else { return nil }
        return ActionFailure(
            KuzzleErrorReply(
                status: 400,
                id: "services.storage.invalid_argument",
                message: "Argument \"refresh\" is invalid (expected: \"wait_for\", \"false\")",
                props: ["refresh", "\"wait_for\", \"false\""]
            )
        )
    }

    /// `{"_id","_source","_version"}`.
    static func documentResult(id: String, document: StoredDocument) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(document.body.count + id.utf8.count + 40)
        buffer.writeStaticString("{\"_id\":")
        buffer.writeJSONString(id)
        buffer.writeStaticString(",\"_source\":")
        buffer.writeBytes(document.body)
        buffer.writeStaticString(",\"_version\":")
        buffer.writeJSONNumber(document.version)
        buffer.writeStaticString("}")
        return buffer
    }
}
