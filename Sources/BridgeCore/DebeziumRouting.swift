/// The per-topic settings of Debezium formats (`routing.topics.<topic>.debezium`).
public struct DebeziumRouting: Sendable, Equatable {
    /// What a truncate event (`op: t`) does.
    public enum TruncatePolicy: String, Sendable, Equatable, CaseIterable {
        /// Skip it (counted); the collection is left as it is.
        case skip
        /// Send it to the dead-letter topic.
        case deadLetter = "dead_letter"
        /// Halt its partition (its offset is held until an operator acts).
        case halt
    }

    /// The key fields the id is made of, in this order; empty: every key field, in the key's order. Default: empty.
    public var idFields: [String]
    /// The text joining the components of a composite id (non-empty, without `%`). Default: `|`.
    public var idSeparator: String
    /// What a truncate does. Default: ``TruncatePolicy/skip``.
    public var truncate: TruncatePolicy

    /// Creates the settings.
    public init(idFields: [String] = [], idSeparator: String = "|", truncate: TruncatePolicy = .skip) {
        self.idFields = idFields
        self.idSeparator = idSeparator
        self.truncate = truncate
    }
}

/// How a key or value's bytes are framed around the JSON (`value_framing`, `key_framing`).
public enum PayloadFraming: String, Sendable, Equatable, CaseIterable {
    /// The bytes are the JSON itself.
    case none
    /// The Confluent schema-registry wire format: a zero magic byte and a 4-byte big-endian schema id, then the JSON.
    /// No registry is called: the schema id is ignored.
    case confluent

    /// The bytes of the Confluent prefix.
    public static let confluentPrefixLength = 5

    /// Where the JSON starts in `bytes`, or `nil` when the framing's prefix is missing.
    public func payloadStart(in bytes: [UInt8]) -> Int? {
        switch self {
        case .none:
            return 0
        case .confluent:
            guard bytes.count >= Self.confluentPrefixLength, bytes[0] == 0 else { return nil }
            return Self.confluentPrefixLength
        }
    }
}
