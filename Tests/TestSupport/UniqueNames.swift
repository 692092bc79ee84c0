import Foundation

/// `prefix-` followed by 8 random lowercase hex characters: unique per run, and valid as a Kafka topic, a consumer
/// group, a Kuzzle index or collection name.
public func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}
