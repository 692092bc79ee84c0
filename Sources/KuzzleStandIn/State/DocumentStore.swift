/// Indexes, collections and documents, held in memory (not thread-safe: ``StandInState`` locks it).
struct DocumentStore: Sendable {
    /// index → collection → id → document.
    private(set) var indexes: [String: [String: [String: StoredDocument]]] = [:]
    /// When recording (control surface only): every stored or deleted id with the epoch milliseconds of the write,
    /// in write order, for latency measurements.
    var writeLog: [(id: String, at: Int64)]?
    /// Versioned deletes' tombstones and each collection's `index.gc_deletes`.
    var tombstones = VersionTombstones()

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
        // An internal write over a live tombstone continues from the tombstone's version, as Elasticsearch does.
        let tombstone =
            previous == nil && !tombstones.isEmpty
            ? tombstones.version(index: index, collection: collection, id: id, now: StandInState.now()) : nil
        let version = externalVersion ?? ((previous?.version ?? tombstone ?? 0) + 1)
        indexes[index]?[collection]?[id] = StoredDocument(body: body, version: version)
        if tombstone != nil || externalVersion != nil {
            tombstones.remove(index: index, collection: collection, id: id)
        }
        writeLog?.append((id, StandInState.now()))
        return (version, previous == nil)
    }

    /// Deletes a document; returns its last version, `nil` if it did not exist.
    mutating func delete(index: String, collection: String, id: String) -> Int? {
        let version = indexes[index]?[collection]?.removeValue(forKey: id)?.version
        if version != nil { writeLog?.append((id, StandInState.now())) }
        return version
    }

    /// The version Elasticsearch compares an external version with: the document's, or a live tombstone's (a
    /// versioned delete younger than the collection's `index.gc_deletes`); `nil` when neither exists.
    func currentVersion(index: String, collection: String, id: String, now: Int64) -> Int? {
        if let document = indexes[index]?[collection]?[id] { return document.version }
        return tombstones.version(index: index, collection: collection, id: id, now: now)
    }

    /// Drops every index.
    mutating func removeAll() {
        indexes = [:]
        writeLog = nil
        tombstones = VersionTombstones()
    }
}
