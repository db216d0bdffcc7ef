import BN254
import Dispatch

/// Spreads independent work over threads: `count` items cut into one contiguous slice per thread.
enum Parallel {
    /// Runs `body` on disjoint slices of 0..<count, on up to `threads` threads, and returns the results in
    /// slice order.
    static func slices<T: Sendable>(
        _ count: Int, threads: Int, minimumPerThread: Int = 1, _ body: @Sendable (Range<Int>) -> T
    ) -> [T] {
        let workers = max(1, min(threads, count / max(1, minimumPerThread)))
        if workers == 1 { return [body(0..<count)] }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: workers)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let output = results // each worker writes only its own slot
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lower = count * w / workers
            let upper = count * (w + 1) / workers
            output[w] = body(lower..<upper)
        }
        return results.compactMap { $0 }
    }

    /// `transform` applied to every element, on up to `threads` threads.
    static func map<T: Sendable, U: Sendable>(_ items: [T], threads: Int, _ transform: @Sendable (T) -> U) -> [U] {
        slices(items.count, threads: threads, minimumPerThread: 4) { range in range.map { transform(items[$0]) } }
            .flatMap { $0 }
    }

    /// Runs two closures at once and returns both results.
    static func both<A: Sendable, B: Sendable>(threads: Int, _ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
        if threads < 2 { return (a(), b()) }
        nonisolated(unsafe) var first: A?
        nonisolated(unsafe) var second: B?
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { first = a() } else { second = b() }
        }
        guard let first, let second else { preconditionFailure("concurrentPerform returned before both closures ran") }
        return (first, second)
    }
}
