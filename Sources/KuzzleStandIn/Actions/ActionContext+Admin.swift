import NIOCore
import Synchronization

extension ActionContext {
    /// index:create → 200 without `result`; 412 if it exists.
    func createIndex() -> ActionResult {
        if let failure = Self.nameFailure(index, isIndex: true) { return .failure(failure) }
        guard state.store.withLock({ $0.createIndex(index) }) else {
            return .failure(ActionFailure(.indexAlreadyExists(index)))
        }
        return .success(nil)
    }

    /// index:exists → `true`/`false`.
    func indexExists() -> ActionResult {
        .success(JSONFragment.bool(state.store.withLock { $0.indexExists(index) }).buffer)
    }

    /// collection:create → `{"acknowledged":true}`; creates the index too; an existing collection is kept. Of the
    /// body's `settings`, only `index.gc_deletes` is honoured (how long versioned deletes' tombstones live).
    func createCollection() -> ActionResult {
        if let failure = Self.nameFailure(index, isIndex: true) ?? Self.nameFailure(collection, isIndex: false) {
            return .failure(failure)
        }
        if collection == "_kuzzle_keep" {
            return .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 400,
                        id: "services.storage.collection_reserved",
                        message: "Invalid collection name. \"_kuzzle_keep\" is reserved for internal usage.",
                        props: ["_kuzzle_keep"]
                    )
                )
            )
        }
        let gcDeletes = body?["settings"].flatMap { Self.gcDeletesMilliseconds($0) }
        state.store.withLock { store in
            store.createCollection(index: index, collection: collection)
            if let gcDeletes { store.tombstones.setLifetime(gcDeletes, index: index, collection: collection) }
        }
        return .success(JSONFragment.object([("acknowledged", .bool(true))]).buffer)
    }

    /// collection:exists → `true`/`false`.
    func collectionExists() -> ActionResult {
        .success(
            JSONFragment.bool(state.store.withLock { $0.collectionExists(index: index, collection: collection) }).buffer
        )
    }

    /// ES `_isObjectNameValid`: lowercase, 1–126 bytes, not `_all`, no forbidden characters.
    static func nameFailure(_ name: String, isIndex: Bool) -> ActionFailure? {
        let forbidden = Set("\\/*?\"<>|,+#:.&% \t\r\n")
        let valid =
            !name.isEmpty && name.utf8.count <= 126 && name != "_all" && name == name.lowercased()
            && !name.contains(where: forbidden.contains)
        return valid ? nil : ActionFailure(.invalidName(name, isIndex: isIndex))
    }
}

extension ActionContext {
    /// `gc_deletes` from Elasticsearch index settings, in milliseconds: `{"index":{"gc_deletes":"2s"}}`,
    /// `{"index.gc_deletes":"2s"}` or `{"gc_deletes":"2s"}` (a time value, or a number of milliseconds).
    static func gcDeletesMilliseconds(_ settings: RawJSON) -> Int64? {
        guard let value = settings["index"]?["gc_deletes"] ?? settings["index.gc_deletes"] ?? settings["gc_deletes"]
        else { return nil }
        if let text = value.stringValue { return VersionTombstones.milliseconds(parsing: text) }
        return value.doubleValue.flatMap { $0 >= 0 ? Int64($0) : nil }
    }
}
