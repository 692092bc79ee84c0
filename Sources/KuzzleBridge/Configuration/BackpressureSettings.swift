/// When the bridge pauses fetching because too much data waits for Kuzzle.
public struct BackpressureSettings: Sendable, Equatable {
    /// Pause the consumed partitions once this many bytes of events are buffered or in flight
    /// (`backpressure.max_buffered_bytes`). Default: 24 MiB.
    public var maximumBufferedBytes: Int
    /// Resume once the buffered bytes fall to this fraction of the maximum, in (0, 1)
    /// (`backpressure.resume_ratio`). Default: 0.5.
    public var resumeRatio: Double

    /// Creates backpressure settings.
    public init(maximumBufferedBytes: Int = 24 * 1_048_576, resumeRatio: Double = 0.5) {
        self.maximumBufferedBytes = maximumBufferedBytes
        self.resumeRatio = resumeRatio
    }

    /// The low watermark: fetching resumes at or below this many buffered bytes.
    public var resumeBelowBytes: Int { Int(Double(maximumBufferedBytes) * resumeRatio) }
}
