import Dispatch

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How the NTT code spreads work over threads: a fixed number of workers, each given one contiguous slice,
/// because every slice costs the same and contiguous slices keep each worker on its own cache lines.
enum Parallel {
    /// The number of processors the system lets this process use.
    static var activeProcessorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body(range)` for `workers` disjoint, contiguous slices that together cover `0..<count`, on up to
    /// `workers` threads at once; runs inline when there is one worker.
    @inline(__always)
    static func forEachSlice(of count: Int, workers: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = max(1, min(workers, count))
        if workers == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            body(slice(worker, of: workers, count: count))
        }
    }

    /// The `worker`-th of `workers` near-equal contiguous slices of `0..<count`.
    @inline(__always)
    static func slice(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        let base = count / workers
        let extra = count % workers
        let start = worker * base + min(worker, extra)
        return start..<(start + base + (worker < extra ? 1 : 0))
    }
}

/// A raw pointer that may cross into `concurrentPerform`'s workers: every worker writes a disjoint slice
/// of the buffer it points into, which is what makes sharing it sound.
@usableFromInline
struct SharedPointer<Element>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    @inlinable init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
}

/// A read-only table that `concurrentPerform`'s workers read at once (the twiddles); nothing writes it
/// while they run.
struct SharedTable: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Fr>
    init(_ buffer: UnsafeBufferPointer<Fr>) { self.buffer = buffer }
    @inline(__always) subscript(_ i: Int) -> Fr { buffer[i] }
}
