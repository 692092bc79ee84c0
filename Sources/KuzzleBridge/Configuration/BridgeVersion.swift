import RdKafka

/// The version of `kuzzle-bridge`, printed by `kuzzle-bridge --version` and logged at startup.
public enum BridgeVersion {
    /// The release number.
    public static let number = "0.1.0"

    /// `kuzzle-bridge 0.1.0 (librdkafka 2.0.2)`: the release and the librdkafka the process runs against.
    public static func versionLine(librdkafkaVersion: String? = LibrdkafkaVersion.string) -> String {
        guard let librdkafkaVersion else { return "kuzzle-bridge \(number)" }
        return "kuzzle-bridge \(number) (librdkafka \(librdkafkaVersion))"
    }
}
