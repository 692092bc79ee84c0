/// Indexes, collections and documents, held in memory (not thread-safe: ``StandInState`` locks it).
struct DocumentStore: Sendable {
    /// index → collection → id → document.
    private(set) var indexes: [String: [String: [String: StoredDocument]]] = [:]
    /// When recording (control surface only): every stored or deleted id with the epoch milliseconds of the write,
    /// in write order, for latency measurements.
    var writeLog: [(id: String, at: Int64)]?

    /// Why a target is unusable: the 412 Kuzzle's index cache would give.
    func checkTarget(index: String, collection: String) -> KuzzleErrorReply? {
        guard let collections = indexes[index] else { return .unknownIndex(index) }
        guard collections[collection] != nil else { return .unknownCollection(index, collection) }
        return nil
    }

    /// Whether the index exists.
    func indexExists(_ index: String) -> Bool { indexes[index] != nil }

    /// Whether the collection exists.
    func collectionExists(index: String, collection: String) -> Bool { indexes[index]?[collection] != nil }

    /// Creates an index; `false` if it already existed.
    mutating func createIndex(_ index: String) -> Bool {
        guard indexes[index] == nil else { return false }
        indexes[index] = [:]
        return true
    }

    /// Creates a collection (and its index); an existing one is kept with its documents.
    mutating func createCollection(index: String, collection: String) {
        if indexes[index]?[collection] == nil {
            indexes[index, default: [:]][collection] = [:]
        }
    }

    /// The documents of a collection (empty if it does not exist).
    func documents(index: String, collection: String) -> [String: StoredDocument] {
        indexes[index]?[collection] ?? [:]
    }

    /// One document.
    func document(index: String, collection: String, id: String) -> StoredDocument? {
        indexes[index]?[collection]?[id]
    }

    /// Stores a body, bumping the version (or using `externalVersion`); returns the new version and whether
    /// the document was created.
    @discardableResult
    mutating func put(
        index: String,
        collection: String,
        id: String,
        body: [UInt8],
        externalVersion: Int? = nil
    ) -> (version: Int, created: Bool) {
        let previous = indexes[index]?[collection]?[id]
        let version = externalVersion ?? ((previous?.version ?? 0) + 1)
        indexes[index]?[collection]?[id] = StoredDocument(body: body, version: version)
        writeLog?.append((id, StandInState.now()))
        return (version, previous == nil)
    }

    /// Deletes a document; returns its last version, `nil` if it did not exist.
    mutating func delete(index: String, collection: String, id: String) -> Int? {
        let version = indexes[index]?[collection]?.removeValue(forKey: id)?.version
        if version != nil { writeLog?.append((id, StandInState.now())) }
        return version
    }

    /// Drops every index.
    mutating func removeAll() {
        indexes = [:]
        writeLog = nil
    }
}
