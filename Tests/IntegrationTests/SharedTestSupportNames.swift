import RdKafka
import TestSupport

// The helpers this target once defined itself, now in the shared TestSupport module, under their old names: a file of
// this target can use them without importing TestSupport.

/// A `kuzzle-bridge` (or test daemon) child process with its configuration and log files.
typealias DaemonProcess = TestSupport.DaemonProcess
/// A daemon configuration rendered as YAML.
typealias DaemonConfiguration = TestSupport.DaemonConfiguration
/// The lz4, per-key-ordered test producer.
typealias TestProducer = TestSupport.TestProducer
/// A message for ``TestProducer``.
typealias OutgoingMessage = TestSupport.OutgoingMessage
/// The seeded SplitMix64 generator.
typealias SeededGenerator = TestSupport.SeededGenerator

/// The end of each partition given the deliveries seen (see ``TestSupport/highWatermarks(of:)``).
func highWatermarks(of deliveries: [KafkaProducer.Delivery]) -> [Int32: Int64] {
    TestSupport.highWatermarks(of: deliveries)
}
