import TestSupport

/// The seeded SplitMix64 generator (the shared ``TestSupport/SeededGenerator``), under the name this target used.
typealias SeededGenerator = TestSupport.SeededGenerator
