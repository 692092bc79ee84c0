/// The version of `kuzzle-bridge`, printed by `kuzzle-bridge --version` and logged at startup.
///
/// The daemon's `run` entry point is `BridgeDaemon.run(configuration:logger:)`, provided by the pipeline
/// (`Sources/KuzzleBridge/Pipeline/`); nothing here runs the bridge.
public enum BridgeVersion {
    /// The release number.
    public static let number = "0.1.0"

    /// `kuzzle-bridge 0.1.0`, followed by `(librdkafka 2.0.2)` when the Kafka library's version is given.
    public static func versionLine(librdkafkaVersion: String? = nil) -> String {
        guard let librdkafkaVersion else { return "kuzzle-bridge \(number)" }
        return "kuzzle-bridge \(number) (librdkafka \(librdkafkaVersion))"
    }
}
