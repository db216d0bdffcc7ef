import Foundation

/// A deterministic random number generator for tests (SplitMix64), so that a failure reproduces. Each test
/// that asks for one with `forTest()` gets a seed derived from the run's seed and its own name, and prints
/// it; the run's seed is `PROVERNET_TEST_SEED` when set (to repeat a failed run), else a fresh one.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator for `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The run's seed: `PROVERNET_TEST_SEED` (decimal) when set, else drawn once from the system's generator.
    public static let runSeed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["PROVERNET_TEST_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 0...UInt64.max)
    }()

    /// A generator for the test `name` (its function, by default), seeded from the run's seed and the
    /// name, and a line on standard output that says how to repeat it.
    public static func forTest(_ name: String = #function) -> SeededRandom {
        // FNV-1a of the name, so that each test draws its own sequence from one run seed.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        print("SEED: \(name) draws from run seed \(runSeed) (PROVERNET_TEST_SEED=\(runSeed) repeats it)")
        return SeededRandom(seed: runSeed ^ hash)
    }
}
