import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything a stand-in holds (documents, tokens, faults, counters), shared by its event loops.
final class StandInState: Sendable {
    let configuration: StandInConfiguration
    let routes = RouteTable()
    let store = Mutex(DocumentStore())
    let tokens = Mutex(TokenStore())
    let faults = Mutex(FaultPlan())
    let counters = Mutex(StandInCounters())
    /// The requests received, while a test records them (`nil`: not recording).
    let requestLog = Mutex<[StandInRecordedRequest]?>(nil)
    /// Kuzzle's limits (documentsWriteCount…), as configured or changed through the control surface.
    let limits: Mutex<StandInLimits>
    /// The realtime notifications Kuzzle would have sent.
    let notifications = Mutex(NotificationLog())

    init(configuration: StandInConfiguration) {
        self.configuration = configuration
        limits = Mutex(
            StandInLimits(
                documentsWriteCount: configuration.documentsWriteCount,
                concurrentRequests: configuration.concurrentRequests
            )
        )
        reset()
    }

    /// Back to the configured start: pre-created collections only, configured API keys, no faults, zero counters.
    func reset() {
        store.withLock { store in
            store.removeAll()
            for name in configuration.collections {
                store.createCollection(index: name.index, collection: name.collection)
            }
        }
        tokens.withLock { tokens in
            tokens = TokenStore()
            tokens.registerAPIKeys(configuration.authentication.apiKeys)
        }
        let held = faults.withLock { plan in
            let held = plan.heldRequests
            plan = FaultPlan()
            return held
        }
        held.forEach { $0() }
        counters.withLock { $0 = StandInCounters() }
        notifications.withLock { $0 = NotificationLog() }
        limits.withLock {
            $0 = StandInLimits(
                documentsWriteCount: configuration.documentsWriteCount,
                concurrentRequests: configuration.concurrentRequests
            )
        }
    }

    /// Epoch milliseconds now.
    static func now() -> Int64 {
        Int64((ContinuousClock.now - Self.startInstant) / .milliseconds(1)) + Self.startEpochMilliseconds
    }

    private static let startInstant = ContinuousClock.now
    private static let startEpochMilliseconds: Int64 = {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }()

    func countRequest(_ action: KuzzleAction) {
        counters.withLock { $0.requests[action.rawValue, default: 0] += 1 }
    }

    func countReceived(_ action: KuzzleAction, _ count: Int) {
        counters.withLock { $0.documentsReceived[action.rawValue, default: 0] += count }
    }

    func countWritten(_ count: Int) {
        guard count > 0 else { return }
        let now = Self.now()
        counters.withLock { counters in
            counters.documentsWritten += count
            if counters.firstWriteAt == nil { counters.firstWriteAt = now }
            counters.lastWriteAt = now
        }
    }
}
