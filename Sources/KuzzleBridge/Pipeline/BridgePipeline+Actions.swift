import BridgeCore
import Logging
import RdKafka

extension BridgePipeline {
    /// Performs the actions the core returned for the last input, in order, and empties the buffer.
    func perform(group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard !actions.isEmpty else { return }
        var pending: [PipelineAction] = []
        swap(&pending, &actions)
        for action in pending {
            perform(action, group: &group)
        }
        pending.removeAll(keepingCapacity: true)
        if actions.isEmpty { swap(&pending, &actions) }
    }

    private func perform(_ action: PipelineAction, group: inout ThrowingDiscardingTaskGroup<any Error>) {
        switch action {
        case .send(let batch):
            let writer = self.writer
            let continuation = inboxContinuation
            group.addTask {
                let report = await writer.write(batch)
                continuation.yield(.written(report))
            }
        case .deadLetter(let request):
            guard let deadLetters else { return }
            let continuation = inboxContinuation
            group.addTask {
                let result = await deadLetters.send(DeadLetter(request))
                continuation.yield(.deadLettered(request.ticket, result))
            }
        case .pause(let partitions):
            guard !partitions.isEmpty else { return }
            do { try consumer.pause(partitions.map(\.kafka)) } catch { logger.warning("Pause failed", error: error) }
        case .resume(let partitions):
            guard !partitions.isEmpty else { return }
            do { try consumer.resume(partitions.map(\.kafka)) } catch { logger.warning("Resume failed", error: error) }
        case .halt(let partition, let offset, let reason):
            logger.error(
                "Partition halted: its commit point is held until the cause is fixed and the bridge restarted",
                metadata: [
                    LogKeys.kafkaTopic: "\(partition.topic)", LogKeys.kafkaPartition: "\(partition.partition)",
                    LogKeys.kafkaOffset: "\(offset)", LogKeys.error: "\(reason)",
                ]
            )
        case .commit(let offsets):
            commitAsync(offsets, group: &group)
        case .finishRevocation(let ticket, let commits, let settled):
            revocations.removeValue(forKey: ticket)?.finish(
                committing: Dictionary(uniqueKeysWithValues: commits.map { ($0.key.kafka, $0.value) })
            )
            logger.notice(
                settled
                    ? "Revocation finished: handing what is done to the consumer's commit"
                    : "Revocation deadline passed: handing what is done to the consumer's commit",
                metadata: ["kafka.commits": "\(Self.describe(commits))"]
            )
        case .commitFinal(let offsets):
            finalCommit = offsets
        case .finish:
            finished = true
        case .publishLease(let updated):
            lease.publish(updated)
        case .notice(let notice):
            report(notice)
        }
    }

    private func commitAsync(_ offsets: [TopicPartition: Int64], group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard !offsets.isEmpty else { return }
        let consumer = self.consumer
        let logger = self.logger
        let kafkaOffsets = Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.kafka, $0.value) })
        group.addTask {
            do {
                try await consumer.commitAsync(kafkaOffsets)
            } catch {
                logger.warning("Offset commit failed; the next commit supersedes it", error: error)
            }
        }
    }

    /// `topic/partition=offset,…`, sorted, for log lines.
    static func describe(_ offsets: [TopicPartition: Int64]) -> String {
        offsets.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
    }
}
