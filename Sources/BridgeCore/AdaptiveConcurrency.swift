/// A concurrency limit for Kuzzle writes that follows Kuzzle's answers: additive increase, multiplicative decrease.
///
/// In the spirit of Vector's Adaptive Request Concurrency and Netflix's concurrency-limits: the number of batches in
/// flight climbs by one while Kuzzle answers as fast as usual and the limit is actually in use, and falls by a factor
/// when answers get slow or Kuzzle says it is overloaded. The caller reports every request's outcome with
/// ``observe(_:inFlight:now:)`` and applies the returned ``Adjustment`` (``WriteScheduler/setConcurrencyLimit(_:)``).
///
/// Algorithm (time is passed in; nothing here reads a clock):
/// - **Windows.** Observations are grouped in windows. A window lasts the baseline round-trip time, but at least
///   ``Parameters/minimumWindow`` and at most ``Parameters/maximumWindow`` (a baseline inflated by a stall, requests
///   held for seconds then answered, must not slow the recovery that follows), and closes when the first observation
///   at or after its end arrives; that observation belongs to the next window. Every change of the limit starts a new
///   window, so each window judges one limit value.
/// - **Baseline.** An exponentially weighted moving average (EWMA) of the windows' mean round-trip times, weight
///   ``Parameters/smoothing`` for the newest, with the EWMA of their absolute deviation from it (TCP's SRTT and
///   RTTVAR). The first window with a success sets it (deviation: half the mean). Every window with a success updates
///   it after being judged, so a slowdown that persists becomes the new normal and stops shrinking the limit.
/// - **Overload** (HTTP 429 or 503, a timeout, a per-document 429 or 503): the limit is multiplied by
///   ``Parameters/overloadDecrease`` at once, at most once per window: the first overload of a window cuts and starts
///   a new window; the overloads that arrive before that one closes answer requests sent under the old limit and
///   only keep it from growing.
/// - **Round-trip time.** When a window with at least one success and no overload closes, its mean round-trip time
///   `m` is compared with the baseline `b` and deviation `d` (before they take `m` in):
///   - `m > b + max(deviationScale·d, riseTolerance·b)` (well above the baseline): limit × ``Parameters/latencyDecrease``;
///   - else, when `m ≤ b + d` (not worse than usual) and the in-flight count reached the limit at some observation of
///     the window: limit + 1. A limit that is not in use never grows: nothing proves the extra room would be safe;
///   - otherwise the limit holds.
/// - **Bounds.** The limit stays within [``Parameters/minimum``, ``Parameters/maximum``]; a decrease rounds down (so it
///   always takes at least one) and stops at the minimum.
public struct AdaptiveConcurrency: Sendable {
    /// The limits and constants of the algorithm.
    public struct Parameters: Sendable, Equatable {
        /// The lowest limit (at least 1). Default: 1.
        public var minimum: Int
        /// The highest limit (at least ``minimum``). Default: 8.
        public var maximum: Int
        /// The limit before anything was observed, within the bounds. Default: 4.
        public var initial: Int
        /// The shortest window. Default: 100 ms (a few round trips of a bulk request).
        public var minimumWindow: Duration
        /// The longest window (at least ``minimumWindow``). Default: 1 s.
        public var maximumWindow: Duration
        /// The weight of the newest window in the baseline and deviation EWMAs, in (0, 1]. Default: 0.25.
        public var smoothing: Double
        /// How many deviations above the baseline count as rising. Default: 2.
        public var deviationScale: Double
        /// The smallest rise, as a fraction of the baseline, that counts as rising (so that a near-constant baseline
        /// with a tiny deviation does not shrink the limit on noise). Default: 0.5.
        public var riseTolerance: Double
        /// The factor applied when round-trip times rise. Default: 0.9.
        public var latencyDecrease: Double
        /// The factor applied on an overload signal. Default: 0.5.
        public var overloadDecrease: Double

        /// Creates parameters; the bounds are made consistent (minimum ≥ 1, maximum ≥ minimum, initial within them).
        public init(
            minimum: Int = 1,
            maximum: Int = 8,
            initial: Int = 4,
            minimumWindow: Duration = .milliseconds(100),
            maximumWindow: Duration = .seconds(1),
            smoothing: Double = 0.25,
            deviationScale: Double = 2,
            riseTolerance: Double = 0.5,
            latencyDecrease: Double = 0.9,
            overloadDecrease: Double = 0.5
        ) {
            self.minimum = max(1, minimum)
            self.maximum = max(self.minimum, maximum)
            self.initial = min(max(initial, self.minimum), self.maximum)
            self.minimumWindow = minimumWindow
            self.maximumWindow = max(minimumWindow, maximumWindow)
            self.smoothing = min(max(smoothing, 0.01), 1)
            self.deviationScale = deviationScale
            self.riseTolerance = riseTolerance
            self.latencyDecrease = latencyDecrease
            self.overloadDecrease = overloadDecrease
        }
    }

    /// The outcome of one Kuzzle request, as the limit sees it.
    public enum Observation: Sendable, Equatable {
        /// Kuzzle answered without an overload signal, after `roundTrip`.
        case success(roundTrip: Duration)
        /// Kuzzle answered 429 or 503 (for the request or for one of its documents), or the request timed out.
        case overload
    }

    /// Why the limit changed.
    public enum Reason: String, Sendable, Equatable {
        /// Kuzzle signalled overload: multiplicative decrease.
        case overload
        /// Round-trip times rose well above the baseline: multiplicative decrease.
        case risingLatency = "rising_latency"
        /// Round-trip times held while the limit was in use: additive increase.
        case steadyLatency = "steady_latency"
    }

    /// A change of the limit to apply.
    public struct Adjustment: Sendable, Equatable {
        /// The limit before.
        public var previous: Int
        /// The new limit.
        public var limit: Int
        /// Why.
        public var reason: Reason

        /// Creates an adjustment.
        public init(previous: Int, limit: Int, reason: Reason) {
            self.previous = previous
            self.limit = limit
            self.reason = reason
        }
    }

    /// The observations of the current window.
    private struct Window: Sendable {
        var start: ContinuousClock.Instant
        var successes = 0
        var roundTripSum = 0.0
        var overloaded = false
        var cutForOverload = false
        var saturated = false
    }

    /// The algorithm's constants.
    public let parameters: Parameters
    /// The current limit, within the bounds.
    public private(set) var limit: Int
    /// The baseline round-trip time in seconds (`nil` before the first window with a success closed).
    private var baseline: Double?
    /// The EWMA of windows' absolute deviation from the baseline, in seconds.
    private var deviation = 0.0
    private var window: Window

    /// Creates the machine at ``Parameters/initial``, its first window starting at `now`.
    public init(parameters: Parameters = Parameters(), now: ContinuousClock.Instant) {
        self.parameters = parameters
        limit = parameters.initial
        window = Window(start: now)
    }

    /// The smoothed round-trip time the windows are compared with, once known.
    public var baselineRoundTrip: Duration? { baseline.map { Duration.seconds($0) } }

    /// Takes one request's outcome into account.
    ///
    /// - Parameters:
    ///   - observation: What the request got.
    ///   - inFlight: How many batches are in flight now (the caller's count, the request's own batch included).
    ///   - now: When the outcome arrived.
    /// - Returns: The net change of the limit this observation caused, if any.
    public mutating func observe(
        _ observation: Observation,
        inFlight: Int,
        now: ContinuousClock.Instant
    )
        -> Adjustment?
    {
        let before = limit
        var reason: Reason?
        if now - window.start >= windowLength, let closing = closeWindow(now: now) {
            reason = closing
        }
        if inFlight >= limit { window.saturated = true }
        switch observation {
        case .success(let roundTrip):
            window.successes += 1
            window.roundTripSum += Self.seconds(roundTrip)
        case .overload:
            window.overloaded = true
            if !window.cutForOverload {
                decrease(by: parameters.overloadDecrease)
                window = Window(start: now, cutForOverload: true)
                reason = .overload
            }
        }
        guard limit != before, let reason else { return nil }
        return Adjustment(previous: before, limit: limit, reason: reason)
    }

    /// The current window's length: the baseline round trip, within the minimum and maximum windows.
    private var windowLength: Duration {
        guard let baseline else { return parameters.minimumWindow }
        return min(max(parameters.minimumWindow, Duration.seconds(baseline)), parameters.maximumWindow)
    }

    /// Judges the closing window, starts the next one at `now` and returns why the limit changed, if it did.
    private mutating func closeWindow(now: ContinuousClock.Instant) -> Reason? {
        let closed = window
        window = Window(start: now)
        guard closed.successes > 0 else { return nil }
        let mean = closed.roundTripSum / Double(closed.successes)
        guard let baseline else {
            self.baseline = mean
            deviation = mean / 2
            return nil
        }
        defer {
            deviation += parameters.smoothing * (abs(mean - baseline) - deviation)
            self.baseline = baseline + parameters.smoothing * (mean - baseline)
        }
        guard !closed.overloaded else { return nil }
        let before = limit
        if mean > baseline + max(parameters.deviationScale * deviation, parameters.riseTolerance * baseline) {
            decrease(by: parameters.latencyDecrease)
            return limit != before ? .risingLatency : nil
        }
        if mean <= baseline + deviation, closed.saturated, limit < parameters.maximum {
            limit += 1
            return .steadyLatency
        }
        return nil
    }

    /// Multiplies the limit by `factor`, rounding down, never below the minimum.
    private mutating func decrease(by factor: Double) {
        let scaled = Int((Double(limit) * factor).rounded(.down))
        limit = max(parameters.minimum, min(limit - 1, scaled))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
