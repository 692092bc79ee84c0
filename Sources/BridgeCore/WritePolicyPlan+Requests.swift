extension BatchWritePlan {
    /// The first requests of a batch: through the document controller, its runs of consecutive operations that share
    /// an action (one action per request), in order; then each cut to ``maximumDocumentsPerRequest``.
    func requestGroups(_ sendable: [Int]) -> [[Int]] {
        guard route == .document || maximumDocumentsPerRequest != nil else { return [sendable] }
        var runs: [[Int]] = []
        if route == .document {
            var run: [Int] = []
            for position in sendable {
                if let first = run.first, batch.operations[first].action != batch.operations[position].action {
                    runs.append(run)
                    run = []
                }
                run.append(position)
            }
            runs.append(run)
        } else {
            runs = [sendable]
        }
        return runs.flatMap(chunked)
    }

    /// `positions` in pieces of at most ``maximumDocumentsPerRequest``, in order.
    func chunked(_ positions: [Int]) -> [[Int]] {
        guard let cap = maximumDocumentsPerRequest, positions.count > cap else { return [positions] }
        return stride(from: 0, to: positions.count, by: cap).map {
            Array(positions[$0..<min($0 + cap, positions.count)])
        }
    }

    /// A 413 `write_limit_exceeded` on `positions`: the cap becomes half of them, and every group waiting is cut to it.
    mutating func learnDocumentLimit(from positions: [Int]) {
        let cap = max(1, positions.count / 2)
        guard cap < (maximumDocumentsPerRequest ?? Int.max) else { return }
        maximumDocumentsPerRequest = cap
        learnedDocumentLimit = cap
        let waiting = Array(groups)
        groups.removeAll()
        for group in waiting { groups.append(contentsOf: chunked(group)) }
    }
}
