import CRdKafka

/// The librdkafka the process runs against (which may differ from the headers it was built with).
public enum LibrdkafkaVersion {
    /// librdkafka's own version string, e.g. `2.0.2`.
    public static var string: String { String(cString: rd_kafka_version_str()) }
}
