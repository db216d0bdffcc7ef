import Dispatch

/// Times an operation: repeats it in batches until `minimumSeconds` have passed and reports the fastest
/// batch per operation, which on a shared, noisy machine is the figure least disturbed by others.
struct Stopwatch {
    var minimumSeconds: Double
    var minimumRounds = 3

    /// Nanoseconds per call of `body`, which performs `opsPerCall` operations.
    func measure(opsPerCall: Int = 1, _ body: () -> Void) -> Double {
        body() // warm caches and lazy constants
        var best = Double.infinity
        var total = 0.0
        var batch = 1
        var rounds = 0
        while total < minimumSeconds || rounds < minimumRounds {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<batch { body() }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
            total += elapsed / 1e9
            best = min(best, elapsed / Double(batch * opsPerCall))
            rounds += 1
            // Batches grow to about 20 ms, so that the clock's own cost vanishes.
            if elapsed < 20e6 && batch < 1 << 30 { batch *= 2 }
        }
        return best
    }
}

/// Keeps a value alive so the optimizer cannot delete the work that produced it.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
