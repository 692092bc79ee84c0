/// The delays between attempts for transient failures: capped, jittered exponential backoff.
///
/// The random source is injected so tests are deterministic.
public struct RetryPolicy: Sendable, Equatable {
    /// The schedule the delays come from.
    public let schedule: RetrySchedule

    /// Creates a policy from a schedule.
    public init(schedule: RetrySchedule) {
        self.schedule = schedule
    }

    /// The delay before retry number `attempt` (1 for the first retry).
    ///
    /// The base delay is `initialDelay × multiplier^(attempt−1)`, capped at `maximumDelay`; jitter then removes a
    /// random fraction of up to `jitter` of it, so the result lies in `[base × (1 − jitter), base]` and never
    /// exceeds the cap.
    public func delay(forAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let initial = Self.seconds(schedule.initialDelay)
        let maximum = Self.seconds(schedule.maximumDelay)
        guard initial > 0, maximum > 0 else { return .zero }
        let exponent = Double(max(0, attempt - 1))
        let growth = max(1, schedule.multiplier)
        var base = initial * pow(growth, exponent)
        if !base.isFinite || base > maximum { base = maximum }
        let jitter = min(1, max(0, schedule.jitter))
        let fraction = jitter > 0 ? Double.random(in: 0...jitter, using: &random) : 0
        return .nanoseconds(Int64((base * (1 - fraction) * 1e9).rounded()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// `base` raised to `exponent` by repeated squaring (the stdlib has no `pow` without Foundation).
    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var factor = base
        var remaining = Int(min(exponent, 2048))
        while remaining > 0 {
            if remaining & 1 == 1 { result *= factor }
            factor *= factor
            remaining >>= 1
            if result.isInfinite { return result }
        }
        return result
    }
}
