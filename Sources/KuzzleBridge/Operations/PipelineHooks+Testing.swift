import Logging
@_spi(Testing) import RdKafka

extension PipelineHooks {
    /// These hooks with the test-only behaviours they ask for wired to `consumer` (nothing changes when
    /// ``testWedgePollingAfter`` is `nil`, as it always is in the shipped daemon: only the test daemon,
    /// `kuzzle-bridge-testd`, sets it).
    func withTestBehaviours(consumer: KafkaConsumer, logger: Logger) -> PipelineHooks {
        guard let delay = testWedgePollingAfter else { return self }
        var hooks = self
        // The behaviour is performed here; the pipeline never sees it.
        hooks.testWedgePollingAfter = nil
        let ready = self.ready
        hooks.ready = {
            ready()
            logger.warning("Test hook: the consumer's poll loop will be wedged", metadata: ["after": "\(delay)"])
            Task {
                try? await Task.sleep(for: delay)
                consumer._testBlockPolling(for: .seconds(3600))
            }
        }
        return hooks
    }
}
