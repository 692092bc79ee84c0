/// Elasticsearch's delete tombstones for the stand-in: a delete leaves the id's version behind for the collection's
/// `index.gc_deletes` (default 60 s); meanwhile an externally versioned write at or below that version is refused
/// with 409, afterwards it is accepted again (kuzzle-api.md §4.2, fence.md §2).
///
/// bulk:import deletes leave one, internal ones (the deleted document's version plus one: a re-creation within
/// `gc_deletes` continues from it, as in Elasticsearch) and versioned ones (the given version, even for a missing
/// document). Simplification: other delete routes leave none.
struct VersionTombstones: Sendable {
    /// Elasticsearch's default `index.gc_deletes`: 60 s.
    static let defaultLifetimeMilliseconds: Int64 = 60_000

    private struct Tombstone: Sendable {
        var version: Int
        var deletedAt: Int64
    }

    /// "index/collection" → id → tombstone.
    private var tombstones: [String: [String: Tombstone]] = [:]
    /// "index/collection" → `index.gc_deletes` in milliseconds, when set.
    private var lifetimes: [String: Int64] = [:]

    /// Whether no tombstone was ever recorded (the write path then skips the lookup).
    var isEmpty: Bool { tombstones.isEmpty }

    private static func key(_ index: String, _ collection: String) -> String { index + "/" + collection }

    /// The `index.gc_deletes` of a collection, in milliseconds.
    func lifetime(index: String, collection: String) -> Int64 {
        lifetimes[Self.key(index, collection)] ?? Self.defaultLifetimeMilliseconds
    }

    /// Sets a collection's `index.gc_deletes` (milliseconds, at least 0).
    mutating func setLifetime(_ milliseconds: Int64, index: String, collection: String) {
        lifetimes[Self.key(index, collection)] = max(0, milliseconds)
    }

    /// The version a live tombstone holds for `id` at `now` (epoch milliseconds), if any.
    func version(index: String, collection: String, id: String, now: Int64) -> Int? {
        let key = Self.key(index, collection)
        guard let tombstone = tombstones[key]?[id] else { return nil }
        return now - tombstone.deletedAt < lifetime(index: index, collection: collection) ? tombstone.version : nil
    }

    /// Records a delete's tombstone (expired ones of the collection are pruned once it holds many).
    mutating func record(index: String, collection: String, id: String, version: Int, now: Int64) {
        let key = Self.key(index, collection)
        tombstones[key, default: [:]][id] = Tombstone(version: version, deletedAt: now)
        if let count = tombstones[key]?.count, count >= 65_536, count.isMultiple(of: 4096) {
            let lifetime = lifetime(index: index, collection: collection)
            tombstones[key] = tombstones[key]?.filter { now - $0.value.deletedAt < lifetime }
        }
    }

    /// Forgets a tombstone (the id was written again).
    mutating func remove(index: String, collection: String, id: String) {
        let key = Self.key(index, collection)
        if tombstones[key]?[id] != nil { tombstones[key]?[id] = nil }
    }

    /// Parses an Elasticsearch time value (`"60s"`, `"2s"`, `"500ms"`, `"1m"`, `"1h"`, `"1d"`; a bare number is
    /// milliseconds) into milliseconds; `nil` when it is not one.
    static func milliseconds(parsing text: String) -> Int64? {
        let units: [(suffix: String, factor: Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        let trimmed = text.lowercased()
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Int64(trimmed.dropLast(suffix.count)), number >= 0 else { return nil }
            return number * factor
        }
        guard let number = Int64(trimmed), number >= 0 else { return nil }
        return number
    }
}
