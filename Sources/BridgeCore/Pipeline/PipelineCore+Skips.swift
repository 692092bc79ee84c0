extension PipelineCore {
    // MARK: - Records that give no document operation on purpose

    /// Handles a record the router did not route on purpose (``EventDecodingError/Disposition``): a skipped record's
    /// offset is completed at once; a truncate is counted per topic and then skipped, dead-lettered or halts its
    /// partition as `debezium.truncate` says.
    mutating func notRouted(
        _ unroutable: EventRouter.UnroutableRecord,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        let failure = unroutable.error
        let topic = failure.source.topic
        if failure.kind == .truncate { counters.truncatesByTopic[topic, default: 0] += 1 }
        switch failure.disposition {
        case .skip:
            var first = false
            if failure.kind == .truncate {
                first = counters.truncatesByTopic[topic] == 1
            } else {
                counters.skippedByTopic[topic, default: 0] += 1
                first = counters.skippedByTopic[topic] == 1
            }
            actions.append(.notice(.skipped(failure, firstForTopic: first)))
            perform(tracker.completed([failure.source]), now: now, into: &actions)
        case .halt:
            halt(failure.source, reason: failure.description, now: now, into: &actions)
        case .deadLetter:
            deadLetterOrHalt(
                origin: .routing,
                record: unroutable.record,
                event: nil,
                kind: "decoding:\(failure.kind.rawValue)",
                reason: failure.description,
                now: now,
                into: &actions
            )
        }
    }
}
