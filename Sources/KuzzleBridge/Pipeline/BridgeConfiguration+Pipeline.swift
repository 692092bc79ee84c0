import BridgeCore
import Kuzzle

extension BridgeConfiguration {
    /// The pipeline core's settings.
    func pipelineParameters(hasDeadLetterTopic: Bool) -> PipelineCore.Parameters {
        let concurrency: PipelineCore.Parameters.Concurrency
        switch writer.concurrency {
        case .fixed(let count): concurrency = .fixed(count)
        case .adaptive: concurrency = .adaptive(writer.adaptiveParameters)
        }
        var batching = self.batching
        // writer.notify under auto: writes never share a batch with what only bulk:import carries.
        batching.separatesWrites = writer.notify && writer.route == .auto
        return PipelineCore.Parameters(
            batching: batching,
            requestOverhead: max(
                KuzzleRequestBody.fixedOverhead(route: .mWrite),
                KuzzleRequestBody.fixedOverhead(route: .importBulk)
            ),
            maximumRequestSize: kuzzle.maximumRequestSize,
            flowControl: FlowControl(
                highWatermark: backpressure.maximumBufferedBytes,
                lowWatermark: backpressure.resumeBelowBytes
            ),
            concurrency: concurrency,
            drainTimeout: shutdown.drainTimeout,
            hasDeadLetterTopic: hasDeadLetterTopic,
            deadLetterRetry: retry,
            leaseGap: leaseGap,
            leaseRecovery: leaseRecovery,
            statisticsInterval: logging.statsInterval
        )
    }

    /// The longest poll gap after which the member suspends sending: half the shorter of the session timeout and
    /// `max.poll.interval.ms` (the group evicts a member after either), as in `shared/fence.md` §1.
    var leaseGap: Duration {
        let maximumPollInterval = kafka.properties["max.poll.interval.ms"].flatMap(Int64.init).map {
            Duration.milliseconds($0)
        }
        return min(kafka.sessionTimeout, maximumPollInterval ?? .seconds(300)) / 2
    }

    /// How long the member polls without a gap before it sends again: twice `heartbeat.interval.ms` (3 s default).
    var leaseRecovery: Duration {
        let heartbeat = kafka.properties["heartbeat.interval.ms"].flatMap(Int64.init) ?? 3000
        return .milliseconds(2 * heartbeat)
    }
}
