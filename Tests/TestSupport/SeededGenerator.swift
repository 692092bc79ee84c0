import BridgeCore

/// The seeded generator of every randomized test: the core's own SplitMix64, so that every run of a test sees the same
/// sequence.
public typealias SeededGenerator = SplitMix64
