/// The bit-reversal permutation a[i] ↔ a[rev(i)], done tile by tile so that it stays in cache.
///
/// Write an index of k bits as (high, middle, low) with high and low of `tileLog` bits each; then
/// rev(high, middle, low) = (rev(low), rev(middle), rev(high)). For one pair middle ↔ rev(middle), the
/// 2^tileLog rows of 2^tileLog consecutive elements on each side (16 KiB together) are swapped with each
/// other while they sit in L1, instead of touching a new cache line for nearly every element as the plain
/// loop does once the array outgrows the cache.
enum BitReversal {
    static let tileLog = 4

    /// The lowest `bits` bits of `x`, in reverse order.
    @inline(__always)
    static func reverse(_ x: Int, bits: Int) -> Int {
        var v = UInt64(truncatingIfNeeded: x)
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        // A shift by 64 (bits == 0) gives 0 in Swift, which is rev of the empty index.
        return Int(truncatingIfNeeded: v.byteSwapped >> UInt64(64 - bits))
    }

    /// Permutes `a[0..<2^logSize]` into bit-reversed order, multiplying every element by `scale` on the way
    /// when it is given (the inverse transform's 1/n, at no extra pass over memory).
    static func permute(_ a: UnsafeMutablePointer<Fr>, logSize: Int, scale: Fr?, threads: Int) {
        let n = 1 << logSize
        guard logSize >= 2 * tileLog else {
            for i in 0..<n {
                let j = reverse(i, bits: logSize)
                swapScaled(a, i, j, scale: scale)
            }
            return
        }
        let middleBits = logSize - 2 * tileLog
        let middles = 1 << middleBits
        let side = 1 << tileLog
        let highShift = middleBits + tileLog
        let shared = SharedPointer(a)
        // Middles are dealt out in interleaved chunks: only the smaller of each pair does the work, and the
        // smaller ones are not spread evenly over the range.
        let chunk = max(1, middles / (64 * max(1, threads)))
        let chunks = (middles + chunk - 1) / chunk
        let workers = NTTKernel.workers(forCount: n, threads: threads)
        Parallel.forEachSlice(of: workers, workers: workers) { worker in
            let stride = workers
            var c = worker.lowerBound
            while c < chunks {
                for middle in (c * chunk)..<min(middles, (c + 1) * chunk) {
                    let partner = reverse(middle, bits: middleBits)
                    guard partner >= middle else { continue }
                    for high in 0..<side {
                        let rowI = (high << highShift) | (middle << tileLog)
                        let rowJ = (partner << tileLog) | reverse(high, bits: tileLog)
                        for low in 0..<side {
                            let i = rowI | low
                            let j = (reverse(low, bits: tileLog) << highShift) | rowJ
                            if partner == middle {
                                swapScaled(shared.base, i, j, scale: scale)
                            } else {
                                // Tiles of different middles: every pair is met exactly once here.
                                swapScaled(shared.base, min(i, j), max(i, j), scale: scale)
                            }
                        }
                    }
                }
                c += stride
            }
        }
    }

    /// Swaps a[i] and a[j] (scaling both) when i < j, scales a[i] when i == j, and does nothing when
    /// i > j, so that a loop over every i visits every pair once.
    @inline(__always)
    static func swapScaled(_ a: UnsafeMutablePointer<Fr>, _ i: Int, _ j: Int, scale: Fr?) {
        if let s = scale {
            if i < j {
                let t = a[i]
                a[i] = a[j] * s
                a[j] = t * s
            } else if i == j {
                a[i] *= s
            }
        } else if i < j {
            let t = a[i]
            a[i] = a[j]
            a[j] = t
        }
    }
}
