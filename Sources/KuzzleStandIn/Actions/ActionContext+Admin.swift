import Synchronization
import NIOCore

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

    /// collection:create → `{"acknowledged":true}`; creates the index too; an existing collection is kept.
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
        state.store.withLock { $0.createCollection(index: index, collection: collection) }
        return .success(JSONFragment.object([("acknowledged", .bool(true))]).buffer)
    }

    /// collection:exists → `true`/`false`.
    func collectionExists() -> ActionResult {
        .success(JSONFragment.bool(state.store.withLock { $0.collectionExists(index: index, collection: collection) }).buffer)
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
