/// Maps the failed items of a bulk answer back to the positions of the operations sent.
///
/// Kuzzle lists failures only (by `_id`, in request order); everything not listed was written. Rule for an id that
/// appears several times in one batch: operations are grouped by (id, action) — for bulk:import the item's action
/// narrows the group; mWrite items carry none. When a group receives as many failures as it has members, they are
/// paired in order. When it receives fewer, nothing tells which duplicate failed, so **every** member of the group
/// is reported failed (members beyond the listed failures take the last one): reporting a possibly-failed write as
/// written could let an older version win when the failed ones are replayed, while replaying a written duplicate
/// together with the rest of its group is harmless (same ids, same order).
struct KuzzleBulkOutcomeMapper {
    /// The route the batch went through.
    let route: KuzzleBulkRoute

    /// Failures that could not be attributed to an operation sent (no id, or an id not in the batch).
    struct UnattributedFailures: Error {
        /// The items concerned.
        var items: [KuzzleItemFailure]
    }

    /// Returns one outcome per operation in `sent`, by position.
    ///
    /// - Throws: ``UnattributedFailures`` when a failure names no operation of the batch: the answer cannot be
    ///   trusted to say what was written.
    func outcomes(
        for sent: [KuzzleBulkOperation],
        failures: [KuzzleItemFailure]
    ) throws(UnattributedFailures) -> [KuzzleDocumentOutcome] {
        var outcomes = [KuzzleDocumentOutcome](repeating: .written, count: sent.count)
        guard !failures.isEmpty else { return outcomes }

        // Positions per id (UTF-8 bytes: ES compares ids byte-wise, Swift strings compare canonically).
        var positionsByID: [[UInt8]: [Int]] = [:]
        for (position, operation) in sent.enumerated() {
            positionsByID[Array(operation.id.utf8), default: []].append(position)
        }
        // Failures per group, in answer order.
        var failuresByGroup: [GroupKey: [KuzzleItemFailure]] = [:]
        var unattributed: [KuzzleItemFailure] = []
        var groupOrder: [GroupKey] = []
        for failure in failures {
            guard let id = failure.id, let positions = positionsByID[Array(id.utf8)] else {
                unattributed.append(failure)
                continue
            }
            let action = route == .importBulk ? failure.action : nil
            if let action, !positions.contains(where: { sent[$0].action == action }) {
                unattributed.append(failure)
                continue
            }
            let key = GroupKey(id: Array(id.utf8), action: action)
            if failuresByGroup[key] == nil { groupOrder.append(key) }
            failuresByGroup[key, default: []].append(failure)
        }
        guard unattributed.isEmpty else { throw UnattributedFailures(items: unattributed) }

        for key in groupOrder {
            guard let groupFailures = failuresByGroup[key], let last = groupFailures.last,
                let positions = positionsByID[key.id]
            else { continue }
            let members = positions.filter { key.action == nil || sent[$0].action == key.action }
            for (rank, position) in members.enumerated() {
                let failure = rank < groupFailures.count ? groupFailures[rank] : last
                var disposition = KuzzleDocumentFailure.disposition(
                    status: failure.status,
                    route: route,
                    action: sent[position].action
                )
                // Kuzzle 2.56's mCreate answers an existing id with its own 400, not Elasticsearch's 409.
                if route == .mCreate && failure.status == 400 && failure.reason == "document already exists" {
                    disposition = .alreadyDone
                }
                outcomes[position] = .failed(
                    KuzzleDocumentFailure(
                        status: failure.status,
                        reason: failure.reason,
                        disposition: disposition,
                        errorType: failure.errorType
                    )
                )
            }
        }
        return outcomes
    }

    /// Operations that share an id (and, for import, an action).
    private struct GroupKey: Hashable {
        var id: [UInt8]
        var action: KuzzleBulkAction?
    }
}
