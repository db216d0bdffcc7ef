import Dispatch

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Multi-scalar multiplication Σ kᵢ·Pᵢ, the bulk of a Groth16 prover's work.
///
/// The algorithm is Pippenger's bucket method with signed digits (2^(c−1) buckets per window of c bits),
/// buckets accumulated in affine form with one inversion per batch (see `BucketAccumulator`), and for G1 and G2
/// the GLV endomorphism, which halves the scalars' length (see `GLVEndomorphism.swift`). The window width and
/// the batch size follow the number of points and threads (`MSMPlan`). Work is spread over the threads by
/// window and, where the windows do not divide evenly, by slices of the points.
///
/// Lengths: when `points` and `scalars` differ in length, the extra elements of the longer one are ignored, as
/// in arkworks' `msm_unchecked`. The Groth16 prover passes slices of a proving key whose sections it has
/// already checked against the circuit, so the MSM does not repeat that check.
///
/// Scalars are field elements, so they are below r; points are taken as they are (not checked to be on the
/// curve or in the group: callers validate untrusted points once, when they load them). The result is exact
/// for any points, including the point at infinity and repeated points, but the GLV variants assume that the
/// points are in the prime-order group, where φ acts as λ.
public enum MSM {
    /// The number of threads the MSM uses unless told otherwise: every processor the system lets us use.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Σ scalars[i]·points[i] in G1.
    public static func g1(_ points: [G1Affine], _ scalars: [Fr], threads: Int = defaultThreads) -> G1Jacobian {
        points.withUnsafeBufferPointer { p in
            scalars.withUnsafeBufferPointer { s in g1(p, s, threads: threads) }
        }
    }

    /// Σ scalars[i]·points[i] in G1, on buffers (for slices of a loaded proving key, without copying).
    public static func g1(
        _ points: UnsafeBufferPointer<G1Affine>, _ scalars: UnsafeBufferPointer<Fr>, threads: Int = defaultThreads
    ) -> G1Jacobian {
        withEndomorphism(points, scalars, threads: threads, inversionCost: 300)
    }

    /// Σ scalars[i]·points[i] in G2.
    public static func g2(_ points: [G2Affine], _ scalars: [Fr], threads: Int = defaultThreads) -> G2Jacobian {
        points.withUnsafeBufferPointer { p in
            scalars.withUnsafeBufferPointer { s in g2(p, s, threads: threads) }
        }
    }

    /// Σ scalars[i]·points[i] in G2, on buffers (for slices of a loaded proving key, without copying).
    public static func g2(
        _ points: UnsafeBufferPointer<G2Affine>, _ scalars: UnsafeBufferPointer<Fr>, threads: Int = defaultThreads
    ) -> G2Jacobian {
        // An Fq2 inversion is one Fq inversion and a few Fq multiplications: about 100 Fq2 multiplications.
        withEndomorphism(points, scalars, threads: threads, inversionCost: 110)
    }

    /// Σ scalars[i]·points[i] in G1 for `count` points in their iden3 encoding (64 bytes each: x‖y, Montgomery
    /// form, little-endian, infinity as zeros), read where they are, such as the pages of a mapped .zkey.
    ///
    /// The points are not checked: the caller must have checked each coordinate to be below q and each point to
    /// be on the curve and in G1 (a .zkey loader does, once). The MSM reads them once, in order, in chunks, and
    /// calls `release` with the bytes of each chunk it is done with (see `withEndomorphism`).
    public static func g1(
        iden3 points: UnsafeRawBufferPointer, count: Int, _ scalars: UnsafeBufferPointer<Fr>,
        threads: Int = defaultThreads, release: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) -> G1Jacobian {
        precondition(points.count >= count * 64, "\(points.count) bytes hold fewer than \(count) G1 points")
        guard let base = points.baseAddress else { return .infinity }
        return withEndomorphism(
            Iden3Points<G1Parameters>(base), count: count, scalars, threads: threads, inversionCost: 300,
            release: release.map { release in
                { range in
                    release(UnsafeRawBufferPointer(rebasing: points[(range.lowerBound * 64)..<(range.upperBound * 64)]))
                }
            })
    }

    /// Σ scalars[i]·points[i] in G2 for `count` points in their iden3 encoding (128 bytes each), read where they
    /// are; the caller has checked them as for `g1(iden3:count:_:threads:)`.
    public static func g2(
        iden3 points: UnsafeRawBufferPointer, count: Int, _ scalars: UnsafeBufferPointer<Fr>,
        threads: Int = defaultThreads, release: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) -> G2Jacobian {
        precondition(points.count >= count * 128, "\(points.count) bytes hold fewer than \(count) G2 points")
        guard let base = points.baseAddress else { return .infinity }
        return withEndomorphism(
            Iden3Points<G2Parameters>(base), count: count, scalars, threads: threads, inversionCost: 110,
            release: release.map { release in
                { range in
                    release(
                        UnsafeRawBufferPointer(rebasing: points[(range.lowerBound * 128)..<(range.upperBound * 128)]))
                }
            })
    }

    /// Σ scalars[i]·points[i] on any short Weierstrass curve with a = 0, without an endomorphism.
    ///
    /// The bucket points assume that the group has no point with y = 0 (no point of order 2), as for any group
    /// of odd order.
    @inlinable
    public static func pippenger<C: CurveParameters>(
        _ points: UnsafeBufferPointer<AffinePoint<C>>, _ scalars: UnsafeBufferPointer<Fr>,
        threads: Int = defaultThreads
    ) -> JacobianPoint<C> {
        let n = min(points.count, scalars.count)
        if n == 0 { return .infinity }
        let threads = max(1, threads)
        let plan = MSMPlan.choose(points: n, scalarBits: 254, threads: threads, inversionCost: 300)
        let digits = UnsafeMutablePointer<UInt16>.allocate(capacity: plan.windows * n)
        defer { digits.deallocate() }
        let shared = MSMShared(digits)
        MSMParallel.forEachSlice(of: n, workers: threads) { range in
            for i in range {
                SignedDigits.recode(
                    scalars[i].canonical, negative: false, windowBits: plan.windowBits, windows: plan.windows,
                    into: shared.base + i, stride: n)
            }
        }
        let first = AffinePoints(points.baseAddress!)
        return accumulate(first, count: n, first, count: 0, digits: digits, plan: plan, threads: threads)
    }

    /// The GLV form on decoded points.
    @inlinable
    static func withEndomorphism<C: GLVCurve>(
        _ points: UnsafeBufferPointer<AffinePoint<C>>, _ scalars: UnsafeBufferPointer<Fr>, threads: Int,
        inversionCost: Double, plan fixedPlan: MSMPlan? = nil
    ) -> JacobianPoint<C> {
        guard let base = points.baseAddress else { return .infinity }
        return withEndomorphism(
            AffinePoints(base), count: points.count, scalars, threads: threads, inversionCost: inversionCost,
            plan: fixedPlan)
    }

    /// How many points the GLV MSM recodes and adds at a time (see `withEndomorphism`).
    @usableFromInline static let chunkPoints = 1 << 14

    /// The GLV form: k·P = k1·P + k2·φ(P) with 127-bit k1 and k2, as an MSM over P₀…P_{n−1}, φ(P₀)…φ(P_{n−1}).
    ///
    /// The points are streamed in chunks of `chunkPoints`: each chunk's scalars are decomposed and recoded, the
    /// x-coordinates of its images φ(P) = (β·x, y) computed, and every window's buckets take the chunk's points
    /// before the next chunk starts. The buckets of all windows live through the whole MSM; the digits and the
    /// images exist for one chunk only, so the MSM's memory is its buckets, not a multiple of n, and it reads
    /// the points once, in order: `release` is called with each chunk's index range once no worker reads it
    /// again (a prover lets a mapped section's pages go there).
    @inlinable
    static func withEndomorphism<Points: MSMPoints>(
        _ points: Points, count: Int, _ scalars: UnsafeBufferPointer<Fr>, threads: Int,
        inversionCost: Double, plan fixedPlan: MSMPlan? = nil, chunkPoints: Int = MSM.chunkPoints,
        release: ((Range<Int>) -> Void)? = nil
    ) -> JacobianPoint<Points.C> where Points.C: GLVCurve {
        typealias C = Points.C
        let n = min(count, scalars.count)
        if n == 0 { return .infinity }
        let threads = max(1, threads)
        let plan =
            fixedPlan
            ?? MSMPlan.choose(points: 2 * n, scalarBits: 127, threads: threads, inversionCost: inversionCost)
        let chunk = min(n, max(1, chunkPoints))
        // Window j's digits for a chunk: the k1 digits of its points, then their k2 digits (for the images).
        let digitStride = 2 * chunk
        let digits = UnsafeMutablePointer<UInt16>.allocate(capacity: plan.windows * digitStride)
        defer { digits.deallocate() }
        let imageX = UnsafeMutablePointer<C.Field>.allocate(capacity: chunk)
        defer { imageX.deallocate() }
        let tasks = plan.windows * plan.splits
        let buckets = UnsafeMutablePointer<BucketAccumulator<C>>.allocate(capacity: tasks)
        for task in 0..<tasks {
            let window = task / plan.splits
            (buckets + task).initialize(
                to: BucketAccumulator<C>(
                    bucketCount: plan.bucketCount(window: window), batchCapacity: plan.batchCapacity(window: window)))
        }
        defer {
            for task in 0..<tasks { buckets[task].deallocate() }
            buckets.deinitialize(count: tasks)
            buckets.deallocate()
        }
        let sharedDigits = MSMShared(digits)
        let sharedImages = MSMShared(imageX)
        let sharedBuckets = MSMShared(buckets)
        let workers = min(threads, tasks)
        var start = 0
        while start < n {
            let k = min(chunk, n - start)
            let first = start
            MSMParallel.forEachSlice(of: k, workers: threads) { range in
                for i in range {
                    (sharedImages.base + i).initialize(
                        to: points.coordinates(first + i).map { C.endomorphismX($0.x) } ?? .zero)
                    let (k1, k2) = GLV.decompose(scalars[first + i].canonical)
                    let m1 = k1.magnitude
                    let m2 = k2.magnitude
                    SignedDigits.recode(
                        (UInt64(truncatingIfNeeded: m1), UInt64(truncatingIfNeeded: m1 >> 64), 0, 0),
                        negative: k1 < 0, windowBits: plan.windowBits, windows: plan.windows,
                        into: sharedDigits.base + i, stride: digitStride)
                    SignedDigits.recode(
                        (UInt64(truncatingIfNeeded: m2), UInt64(truncatingIfNeeded: m2 >> 64), 0, 0),
                        negative: k2 < 0, windowBits: plan.windowBits, windows: plan.windows,
                        into: sharedDigits.base + chunk + i, stride: digitStride)
                }
            }
            let images = EndomorphismImages(points, offset: first, x: imageX)
            let body: (Int) -> Void = { worker in
                var task = worker
                while task < tasks {
                    let window = task / plan.splits
                    let range = MSMParallel.slice(task % plan.splits, of: plan.splits, count: k)
                    let windowDigits = sharedDigits.base + window * digitStride
                    addAll(
                        points, pointOffset: first, range: range, digits: windowDigits, into: &sharedBuckets.base[task])
                    addAll(
                        images, pointOffset: 0, range: range, digits: windowDigits + chunk,
                        into: &sharedBuckets.base[task])
                    task += workers
                }
            }
            if workers == 1 {
                body(0)
            } else {
                MSMParallel.run(workers: workers, body)
            }
            release?(first..<(first + k))
            start += k
        }
        let results = UnsafeMutablePointer<JacobianPoint<C>>.allocate(capacity: tasks)
        defer { results.deallocate() }
        let sharedResults = MSMShared(results)
        let finish: (Int) -> Void = { worker in
            var task = worker
            while task < tasks {
                (sharedResults.base + task).initialize(to: sharedBuckets.base[task].finish())
                task += workers
            }
        }
        if workers == 1 {
            finish(0)
        } else {
            MSMParallel.run(workers: workers, finish)
        }
        return combineWindows(results, plan: plan)
    }

    /// Horner over the windows, from the top: Σ_j 2^(j·c)·W_j, W_j being the sum of window j's splits in
    /// `results` (`results[j·splits + split]`).
    @inlinable
    static func combineWindows<C: CurveParameters>(_ results: UnsafePointer<JacobianPoint<C>>, plan: MSMPlan)
        -> JacobianPoint<C>
    {
        var result = JacobianPoint<C>.infinity
        for window in stride(from: plan.windows - 1, through: 0, by: -1) {
            for _ in 0..<plan.windowBits where !result.isInfinity { result = result.doubled() }
            for split in 0..<plan.splits { result = result + results[window * plan.splits + split] }
        }
        return result
    }

    /// Σ over windows of 2^(j·c)·(Σ digit·point) for the points `first` followed by `second`, whose digit codes
    /// are at `digits[j·m + i]` (m = firstCount + secondCount).
    @inlinable
    static func accumulate<First: MSMPoints, Second: MSMPoints>(
        _ first: First, count firstCount: Int, _ second: Second, count secondCount: Int,
        digits: UnsafePointer<UInt16>, plan: MSMPlan, threads: Int
    ) -> JacobianPoint<First.C> where Second.C == First.C {
        typealias C = First.C
        let m = firstCount + secondCount
        let tasks = plan.windows * plan.splits
        let results = UnsafeMutablePointer<JacobianPoint<C>>.allocate(capacity: tasks)
        defer { results.deallocate() }
        let shared = MSMShared(results)
        let workers = min(threads, tasks)
        let body: (Int) -> Void = { worker in
            var task = worker
            while task < tasks {
                let window = task / plan.splits
                let range = MSMParallel.slice(task % plan.splits, of: plan.splits, count: m)
                var buckets = BucketAccumulator<C>(
                    bucketCount: plan.bucketCount(window: window), batchCapacity: plan.batchCapacity(window: window))
                let windowDigits = digits + window * m
                let firstRange = range.clamped(to: 0..<firstCount)
                addAll(first, pointOffset: 0, range: firstRange, digits: windowDigits, into: &buckets)
                let secondRange = range.clamped(to: firstCount..<m)
                addAll(
                    second, pointOffset: 0,
                    range: (secondRange.lowerBound - firstCount)..<(secondRange.upperBound - firstCount),
                    digits: windowDigits + firstCount, into: &buckets)
                (shared.base + task).initialize(to: buckets.finish())
                buckets.deallocate()
                task += workers
            }
        }
        if workers == 1 {
            body(0)
        } else {
            MSMParallel.run(workers: workers, body)
        }
        return combineWindows(results, plan: plan)
    }

    /// Adds point `pointOffset + i` with digit `digits[i]` into the buckets, for each i in `range`.
    @inlinable @inline(__always)
    static func addAll<Points: MSMPoints>(
        _ points: Points, pointOffset: Int, range: Range<Int>, digits: UnsafePointer<UInt16>,
        into buckets: inout BucketAccumulator<Points.C>
    ) {
        for i in range {
            let code = digits[i]
            if code == SignedDigits.zero { continue }
            guard let p = points.coordinates(pointOffset + i) else { continue }
            let bucket = Int(code & ~SignedDigits.negativeBit)
            if code & SignedDigits.negativeBit != 0 {
                buckets.add(bucket, x: p.x, y: -p.y)
            } else {
                buckets.add(bucket, x: p.x, y: p.y)
            }
        }
    }
}

/// A pointer that `concurrentPerform`'s workers share: each worker writes a disjoint part of the memory it
/// points into, which is what makes sharing it sound.
@usableFromInline
struct MSMShared<Element>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    @inlinable init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
}

/// How the MSM spreads its set-up work over threads.
@usableFromInline
enum MSMParallel {

    /// Calls `body` on `workers` contiguous slices covering `0..<count`, in parallel.
    @inlinable
    static func forEachSlice(of count: Int, workers: Int, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(workers, count))
        if workers == 1 {
            body(0..<count)
            return
        }
        run(workers: workers) { worker in body(slice(worker, of: workers, count: count)) }
    }

    /// Calls `body(0)` … `body(workers − 1)` in parallel and returns when all have returned.
    ///
    /// `body` need not be `Sendable`: the workers only read shared inputs and write disjoint memory, and
    /// `concurrentPerform` returns only after every worker has finished, so nothing outlives this call.
    @inlinable
    static func run(workers: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { shared.value($0) }
        }
    }

    /// The `index`-th of `parts` near-equal contiguous slices of `0..<count`.
    @inlinable
    static func slice(_ index: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts
        let extra = count % parts
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}

/// A value handed to `concurrentPerform`'s workers under the conditions that `MSMParallel.run` states.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}
