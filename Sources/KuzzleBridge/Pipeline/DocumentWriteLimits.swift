import BridgeCore
import Logging
import Synchronization

/// The count cap of document controller requests (`writer.route: document`), per collection: Kuzzle's
/// `limits.documentsWriteCount` as read from `/_capabilities` at start (or 200), lowered by `writer.documents_write_count`,
/// and halved for a collection whose request Kuzzle refused with 413 `services.storage.write_limit_exceeded` (its
/// limit is lower than announced: another node's configuration, a change since the start). Shared by every write.
final class DocumentWriteLimits: Sendable {
    /// The cap of a collection that never met a 413.
    let initialCap: Int
    private let learned = Mutex<[DocumentTarget: Int]>([:])

    /// Creates limits starting at `initialCap` documents per request (at least 1).
    init(initialCap: Int) {
        self.initialCap = max(1, initialCap)
    }

    /// The cap for requests to `target`.
    func cap(for target: DocumentTarget) -> Int {
        learned.withLock { $0[target] } ?? initialCap
    }

    /// Records the cap a 413 taught for `target` (kept only when lower than the current one) and logs it once per
    /// lowering: the write itself loses nothing (the refused request is split and resent).
    func learn(_ cap: Int, for target: DocumentTarget, logger: Logger) {
        let lowered: Int? = learned.withLock { caps in
            let current = caps[target] ?? initialCap
            guard cap < current else { return nil }
            caps[target] = max(1, cap)
            return current
        }
        guard let lowered else { return }
        logger.warning(
            "Kuzzle refused a document request as too many documents (413 write_limit_exceeded); fewer per request",
            metadata: [
                LogKeys.kuzzleIndex: "\(target.index)", LogKeys.kuzzleCollection: "\(target.collection)",
                "kuzzle.documents_write_count.previous": "\(lowered)", "kuzzle.documents_write_count": "\(cap)",
            ]
        )
    }
}
