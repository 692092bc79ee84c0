/// A byte budget for the records held in memory, with hysteresis: fetching pauses above the high watermark and
/// resumes below the low one.
public struct FlowControl: Sendable, Equatable {
    /// What the owner of the budget must do after a change.
    public enum Transition: Sendable, Equatable {
        /// Nothing changes.
        case none
        /// The budget is exceeded: pause fetching.
        case pause
        /// The budget has room again: resume fetching.
        case resume
    }

    /// Pause once more than this many bytes are held.
    public let highWatermark: Int
    /// Resume once fewer than this many bytes are held (at most ``highWatermark``).
    public let lowWatermark: Int
    /// The bytes currently held.
    public private(set) var bytesInMemory = 0
    /// Whether fetching is paused.
    public private(set) var isPaused = false

    /// Creates a budget.
    /// - Parameters:
    ///   - highWatermark: Pause above this many bytes. Default: 256 MiB.
    ///   - lowWatermark: Resume below this many bytes. Default: half the high watermark.
    public init(highWatermark: Int = 256 * 1024 * 1024, lowWatermark: Int? = nil) {
        self.highWatermark = max(0, highWatermark)
        self.lowWatermark = min(self.highWatermark, max(0, lowWatermark ?? highWatermark / 2))
    }

    /// Counts `bytes` more held in memory.
    public mutating func add(_ bytes: Int) -> Transition {
        bytesInMemory += max(0, bytes)
        guard !isPaused, bytesInMemory > highWatermark else { return .none }
        isPaused = true
        return .pause
    }

    /// Counts `bytes` released from memory.
    public mutating func release(_ bytes: Int) -> Transition {
        bytesInMemory = max(0, bytesInMemory - max(0, bytes))
        guard isPaused, bytesInMemory < lowWatermark || bytesInMemory == 0 else { return .none }
        isPaused = false
        return .resume
    }
}
