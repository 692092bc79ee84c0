import CGlibcMalloc
import Foundation

/// glibc's malloc arenas: how many the daemon lets glibc create.
///
/// glibc gives threads that contend for the heap arenas of their own (up to eight per core), and memory freed in one
/// arena is not reused by another. The bridge allocates records on its Kafka poll thread and frees them on the
/// pipeline's and writers' threads, so with the default the heap spreads over many arenas: on the end-to-end
/// benchmark, 101–106 MiB peak RSS at the defaults against 85–88 MiB with one arena, for the same rate within the
/// noise (one arena cost about 5 % more CPU per document over eight interleaved 1M-event runs).
enum MallocArenas {
    /// The arenas the daemon asks for unless `MALLOC_ARENA_MAX` says otherwise.
    static let defaultLimit: Int32 = 1

    /// The limit applied at start (``limitUnlessConfigured(environment:)`` runs on first access, which
    /// ``KuzzleBridgeCommand/main()`` makes before anything else: an arena a thread already uses stays its own), or
    /// `nil` when `MALLOC_ARENA_MAX` is set.
    static let applied: Int32? = limitUnlessConfigured(environment: ProcessInfo.processInfo.environment)

    /// Limits glibc to ``defaultLimit`` arenas, unless the environment sets `MALLOC_ARENA_MAX` (glibc reads it itself;
    /// an operator's value wins).
    /// - Returns: The limit applied, or `nil` when the environment's is used (or glibc refused).
    static func limitUnlessConfigured(environment: [String: String]) -> Int32? {
        guard environment["MALLOC_ARENA_MAX"] == nil else { return nil }
        return mallopt(M_ARENA_MAX, defaultLimit) == 1 ? defaultLimit : nil
    }
}
