import Logging
import Synchronization

extension PipelineHooks {
    /// Hooks that call `self`'s callbacks, then `other`'s.
    public func combined(with other: PipelineHooks) -> PipelineHooks {
        let first = self
        var combined = PipelineHooks(
            ready: {
                first.ready()
                other.ready()
            },
            status: {
                first.status($0)
                other.status($0)
            },
            heartbeat: {
                first.heartbeat()
                other.heartbeat()
            },
            stopping: {
                first.stopping()
                other.stopping()
            },
            statistics: {
                first.statistics($0)
                other.statistics($0)
            },
            batchWritten: {
                first.batchWritten($0, $1)
                other.batchWritten($0, $1)
            }
        )
        combined.testWedgePollingAfter = first.testWedgePollingAfter ?? other.testWedgePollingAfter
        combined.testDisableSendLease = first.testDisableSendLease || other.testDisableSendLease
        combined.testForcesStrict = first.testForcesStrict || other.testForcesStrict
        return combined
    }

    /// Hooks that log a warning when the pipeline stalls (see ``StallDetector``).
    public static func stallWarnings(statsInterval: Duration, logger: Logger) -> PipelineHooks {
        let detector = Mutex(StallDetector(statsInterval: statsInterval))
        return PipelineHooks(statistics: { snapshot in
            if let warning = detector.withLock({ $0.observe(snapshot) }) {
                logger.warning("Pipeline stalled", metadata: ["stall": "\(warning)", "lag": "\(snapshot.totalLag)"])
            }
        })
    }
}
