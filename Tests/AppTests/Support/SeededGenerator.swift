import ObservatoryCore

/// The tests' seeded generator is the domain library's SplitMix64, so a failing run can be replayed from its printed
/// seed.
typealias SeededGenerator = SplitMix64
