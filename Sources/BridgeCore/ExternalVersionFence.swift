/// Where the external version of a fenced event comes from (`writer.fence`, fence.md §2).
///
/// A fenced collection is written through bulk:import only: writes as `index` lines and deletes as `delete` lines,
/// both carrying `"version":N,"version_type":"external"`, so Elasticsearch applies a line only when its version is
/// greater than the stored one (or a live delete tombstone's) and answers 409 `version_conflict_engine_exception`
/// otherwise. A stale write (a replay, a zombie member's request still in flight) then changes nothing.
public enum ExternalVersionFence: Sendable, Hashable, CustomStringConvertible {
    /// No fence (`none`): lines carry no version (the default).
    case disabled
    /// The event's Kafka offset is its version. Needs one id ↔ one partition and one topic per fenced collection.
    case offset
    /// The value of this record header, a decimal integer from 0 to 2^53 − 1, is the version.
    case header(String)

    /// The largest version accepted, 2^53 − 1: versions go through JavaScript doubles inside Kuzzle.
    public static let maximumVersion: Int64 = (1 << 53) - 1

    /// Whether lines carry versions.
    public var isEnabled: Bool { self != .disabled }

    /// The value as the configuration file writes it: `none`, `offset` or `header:<name>`.
    public var description: String {
        switch self {
        case .disabled: "none"
        case .offset: "offset"
        case .header(let name): "header:\(name)"
        }
    }

    /// Parses a decimal version (ASCII digits only, no sign, no spaces) below 2^53; `nil` otherwise.
    public static func version(parsing bytes: some Collection<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value <= maximumVersion ? value : nil
    }
}
