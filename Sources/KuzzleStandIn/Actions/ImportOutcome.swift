import NIOCore

/// The result of one bulk:import operation, serialised as Kuzzle's item `{"<action>":{…}}`.
enum ImportOutcome {
    case pending(ActionContext.ImportOperation)
    case success(verb: String, id: String, status: Int)
    /// `error` `nil` gives the bare `{"delete":{"_id","status":404}}` item.
    case failure(verb: String, id: String?, status: Int, error: (type: String, reason: String)?, source: RawJSON?)

    static func failure(
        _ operation: ActionContext.ImportOperation,
        status: Int,
        error: (String, String)?,
        source: RawJSON?
    ) -> ImportOutcome {
        .failure(verb: operation.verb.rawValue, id: operation.id, status: status, error: error, source: source)
    }

    /// Writes the item.
    func write(into buffer: inout ByteBuffer) {
        switch self {
        case .pending:
            buffer.writeStaticString("null")
        case .success(let verb, let id, let status):
            buffer.writeStaticString("{")
            buffer.writeJSONKey(verb)
            buffer.writeStaticString("{\"_id\":")
            buffer.writeJSONString(id)
            buffer.writeStaticString(",\"status\":")
            buffer.writeJSONNumber(status)
            buffer.writeStaticString("}}")
        case .failure(let verb, let id, let status, let error, let source):
            buffer.writeStaticString("{")
            buffer.writeJSONKey(verb)
            buffer.writeStaticString("{\"_id\":")
            buffer.writeJSONStringOrNull(id)
            buffer.writeStaticString(",\"status\":")
            buffer.writeJSONNumber(status)
            if let source {
                buffer.writeStaticString(",\"_source\":")
                buffer.writeBytes(source.bytes)
            }
            if let error {
                buffer.writeStaticString(",\"error\":{\"type\":")
                buffer.writeJSONString(error.type)
                buffer.writeStaticString(",\"reason\":")
                buffer.writeJSONString(error.reason)
                buffer.writeStaticString("}")
            }
            buffer.writeStaticString("}}")
        }
    }
}

extension ActionContext {
    /// Applies one operation to the store, Elasticsearch-style (statuses per kuzzle-api.md §4.2).
    static func apply(
        _ operation: ImportOperation,
        to store: inout DocumentStore,
        index: String,
        collection: String,
        kuid: String,
        now: Int
    ) -> ImportOutcome {
        let existing = operation.id.flatMap { store.document(index: index, collection: collection, id: $0) }
        switch operation.verb {
        case .index, .create:
            guard let payload = operation.payload else {
                return .failure(operation, status: 400, error: nil, source: nil)
            }
            let id = operation.id ?? generateID()
            if operation.externalVersion != nil,
                let current = store.currentVersion(
                    index: index,
                    collection: collection,
                    id: id,
                    now: StandInState.now()
                ),
                let conflict = versionConflict(operation, id: id, current: current)
            {
                return .failure(operation, status: 409, error: conflict, source: payload)
            }
            if let existing {
                if operation.verb == .create {
                    return .failure(
                        operation,
                        status: 409,
                        error: (
                            "version_conflict_engine_exception",
                            "[\(id)]: version conflict, document already exists (current version [\(existing.version)])"
                        ),
                        source: payload
                    )
                }
            }
            let info = JSONFragment.object([
                ("author", .string(kuid)), ("createdAt", .int(now)), ("updatedAt", .null), ("updater", .null),
            ])
            let body =
                operation.payloadTakenForActionLine
                ? Array(payload.bytes) : JSONMerge.replacing(key: "_kuzzle_info", with: info, in: payload)
            let written = store.put(
                index: index,
                collection: collection,
                id: id,
                body: body,
                externalVersion: operation.externalVersion
            )
            return .success(verb: operation.verb.rawValue, id: id, status: written.created ? 201 : 200)
        case .update:
            let id = operation.id ?? ""
            let doc = operation.payload?["doc"]
            let info = JSONFragment.object([("updatedAt", .int(now)), ("updater", .string(kuid))])
            if let existing {
                guard let doc else { return .failure(operation, status: 400, error: nil, source: nil) }
                let patch = JSONMerge.replacing(key: "_kuzzle_info", with: info, in: doc)
                let merged = JSONMerge.deepMerge(existing.body, patch)
                store.put(index: index, collection: collection, id: id, body: merged)
                return .success(verb: "update", id: id, status: 200)
            }
            if let upsert = operation.payload?["upsert"] {
                store.put(
                    index: index,
                    collection: collection,
                    id: id,
                    body: JSONMerge.replacing(key: "_kuzzle_info", with: info, in: upsert)
                )
                return .success(verb: "update", id: id, status: 201)
            }
            if let doc, operation.payload?["doc_as_upsert"]?.boolValue == true {
                store.put(
                    index: index,
                    collection: collection,
                    id: id,
                    body: JSONMerge.replacing(key: "_kuzzle_info", with: info, in: doc)
                )
                return .success(verb: "update", id: id, status: 201)
            }
            return .failure(
                operation,
                status: 404,
                error: ("document_missing_exception", "[\(id)]: document missing"),
                source: doc
            )
        case .delete:
            let id = operation.id ?? ""
            guard let version = operation.externalVersion else {
                guard let existing else { return .failure(operation, status: 404, error: nil, source: nil) }
                // An internal delete bumps the version; its tombstone carries it, so a re-creation continues from it.
                _ = store.delete(index: index, collection: collection, id: id)
                store.tombstones.record(
                    index: index,
                    collection: collection,
                    id: id,
                    version: existing.version + 1,
                    now: StandInState.now()
                )
                return .success(verb: "delete", id: id, status: 200)
            }
            // A versioned delete compares with the document or a live tombstone, and leaves a tombstone with its
            // version even when the document is missing (answered 404).
            let now = StandInState.now()
            if let current = store.currentVersion(index: index, collection: collection, id: id, now: now),
                let conflict = versionConflict(operation, id: id, current: current)
            {
                return .failure(operation, status: 409, error: conflict, source: nil)
            }
            if existing != nil { _ = store.delete(index: index, collection: collection, id: id) }
            store.tombstones.record(index: index, collection: collection, id: id, version: version, now: now)
            guard existing != nil else { return .failure(operation, status: 404, error: nil, source: nil) }
            return .success(verb: "delete", id: id, status: 200)
        }
    }

    /// The external-versioning conflict Elasticsearch reports, if any.
    private static func versionConflict(_ operation: ImportOperation, id: String, current: Int) -> (String, String)? {
        guard let given = operation.externalVersion else { return nil }
        let conflicts = operation.allowsEqualVersion ? current > given : current >= given
        guard conflicts else { return nil }
        let relation = operation.allowsEqualVersion ? "higher than" : "higher or equal to"
        return (
            "version_conflict_engine_exception",
            "[\(id)]: version conflict, current version [\(current)] is \(relation) the one provided [\(given)]"
        )
    }
}
