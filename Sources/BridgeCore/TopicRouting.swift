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
    }

    /// The shape of a message value on this topic. Default: ``Format/envelope``.
    public var format: Format
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

    /// Creates the routing of one topic.
    public init(
        format: Format = .envelope,
        defaultIndex: String? = nil,
        defaultCollection: String? = nil,
        mWriteAvailable: Bool = true,
        fence: ExternalVersionFence = .disabled
    ) {
        self.format = format
        self.defaultIndex = defaultIndex
        self.defaultCollection = defaultCollection
        self.mWriteAvailable = mWriteAvailable
        self.fence = fence
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
