/// How the events of one Kafka topic are turned into Kuzzle document operations.
///
/// The daemon's configuration builds one value per consumed topic; the core reads it while routing.
public struct TopicRouting: Sendable, Equatable {
    /// The shape of a message value on this topic.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// The value is a JSON envelope `{"index","collection","_id","action","body"}`.
        case envelope
        /// The value is the document body itself; the target comes from configuration and `_id` from the key.
        case raw
        /// The value is a Debezium change event (`op`, `before`, `after`, `source`…), bare or wrapped in the JSON
        /// converter's `{"schema","payload"}`; the `_id` comes from the key (``DebeziumKey``).
        case debezium
        /// The value is Debezium's `ExtractNewRecordState` output: the row itself (bare or wrapped), `__deleted`
        /// marking deletes; the `_id` comes from the key (``DebeziumKey``).
        case debeziumUnwrapped = "debezium-unwrapped"

        /// Whether the format is one of Debezium's (ids from the key, targets from configuration).
        public var isDebezium: Bool { self == .debezium || self == .debeziumUnwrapped }
    }

    /// The shape of a message value on this topic. Default: ``Format/envelope``.
    public var format: Format { didSet { updateDecodingPath() } }
    /// The index used when an event does not name one. Default: none.
    public var defaultIndex: String?
    /// The collection used when an event does not name one. Default: none.
    public var defaultCollection: String?
    /// Whether bulk:mWrite may carry this topic's writes (`writer.route` `auto` or `mWrite`; the configuration sets
    /// it). A write whose body bulk:import cannot carry intact (``ImportHazard/excludesImport``) is then kept for
    /// mWrite; without it, such a write is refused at routing (``EventDecodingError/Kind/importHazard``).
    /// Default: `true`.
    public var mWriteAvailable: Bool
    /// Where this topic's events take their external version from (`writer.fence`). Fenced events need bulk:import
    /// (the configuration clears ``mWriteAvailable``); a `create` or `update` on a fenced topic, and a version that is
    /// missing or invalid, are refused at routing. Default: ``ExternalVersionFence/disabled``.
    public var fence: ExternalVersionFence = .disabled
    /// How Debezium topics derive ids and treat truncates (read for ``Format/debezium`` and
    /// ``Format/debeziumUnwrapped`` only). Default: ``DebeziumRouting/init(idFields:idSeparator:truncate:)``'s.
    public var debezium = DebeziumRouting()
    /// How the value's bytes are framed before the JSON (`value_framing`). Default: ``PayloadFraming/none``.
    public var valueFraming: PayloadFraming = .none { didSet { updateDecodingPath() } }
    /// How the key's bytes are framed (`key_framing`); a framed key is read as JSON by the id rule of
    /// ``DebeziumKey`` on every format. Default: ``PayloadFraming/none``.
    public var keyFraming: PayloadFraming = .none { didSet { updateDecodingPath() } }
    /// Whether records need more than the envelope/raw scan of unframed values: a Debezium format or a framing. Kept
    /// in step with ``format``, ``valueFraming`` and ``keyFraming`` so that the router tests one flag per record.
    public private(set) var usesExtendedDecoding = false

    /// Creates the routing of one topic.
    public init(
        format: Format = .envelope,
        defaultIndex: String? = nil,
        defaultCollection: String? = nil,
        mWriteAvailable: Bool = true,
        fence: ExternalVersionFence = .disabled,
        debezium: DebeziumRouting = DebeziumRouting(),
        valueFraming: PayloadFraming = .none,
        keyFraming: PayloadFraming = .none
    ) {
        self.format = format
        self.defaultIndex = defaultIndex
        self.defaultCollection = defaultCollection
        self.mWriteAvailable = mWriteAvailable
        self.fence = fence
        self.debezium = debezium
        self.valueFraming = valueFraming
        self.keyFraming = keyFraming
        updateDecodingPath()
    }
}

/// When the accumulator seals a batch for one (index, collection).
public struct BatchLimits: Sendable, Equatable {
    /// Seal once a batch holds this many documents. Default: 1,000.
    public var maximumDocuments: Int
    /// Seal before the request body, as it will be sent, would exceed this many bytes. Default: 900 KiB,
    /// below Kuzzle's default `server.maxRequestSize` of 1 MiB.
    public var maximumBytes: Int
    /// Seal a batch once its oldest event has waited this long since it was produced (its Kafka timestamp), but
    /// always leave a new batch at least a quarter of it to fill. Default: 200 ms.
    public var maximumWait: Duration
    /// Whether writes (create-or-replace) never share a batch with creates, updates and deletes: under
    /// `writer.route: auto` with `writer.notify` on, so that a write goes through bulk:mWrite (notified) whatever else
    /// the stream holds, and never through bulk:import (which never notifies). Default: `false`.
    public var separatesWrites = false

    /// Creates batch limits.
    public init(
        maximumDocuments: Int = 1000,
        maximumBytes: Int = 900 * 1024,
        maximumWait: Duration = .milliseconds(200)
    ) {
        self.maximumDocuments = maximumDocuments
        self.maximumBytes = maximumBytes
        self.maximumWait = maximumWait
    }
}

/// The capped, jittered exponential backoff used for transient Kuzzle failures (retried forever).
public struct RetrySchedule: Sendable, Equatable {
    /// The delay before the first retry. Default: 100 ms.
    public var initialDelay: Duration
    /// The largest delay between two attempts. Default: 30 s.
    public var maximumDelay: Duration
    /// The factor applied to the delay after each failed attempt. Default: 2.
    public var multiplier: Double
    /// The fraction of each delay that is randomised (0 = none, 1 = full jitter). Default: 0.2.
    public var jitter: Double

    /// Creates a retry schedule.
    public init(
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(30),
        multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
    }
}

extension TopicRouting {
    /// Recomputes ``usesExtendedDecoding``.
    private mutating func updateDecodingPath() {
        usesExtendedDecoding = format.isDebezium || valueFraming != .none || keyFraming != .none
    }
}
