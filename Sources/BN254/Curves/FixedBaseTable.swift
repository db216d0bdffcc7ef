import Dispatch

/// Precomputed multiples of one base point for fast repeated scalar multiplication (trusted setups multiply
/// the generator by millions of scalars): for each 8-bit window j, the points k·2^(8j)·G for k = 1…255, so a
/// 256-bit scalar costs 32 mixed additions and no doubling.
public struct FixedBaseTable<C: CurveParameters>: Sendable {
    /// windows[j][k − 1] = k·2^(8j)·base.
    let windows: [[AffinePoint<C>]]

    public init(base: JacobianPoint<C>) {
        var rows: [[AffinePoint<C>]] = []
        var windowBase = base
        for _ in 0..<32 {
            var multiples: [JacobianPoint<C>] = []
            multiples.reserveCapacity(255)
            var current = windowBase
            for _ in 0..<255 {
                multiples.append(current)
                current = current + windowBase
            }
            rows.append(JacobianPoint<C>.batchToAffine(multiples))
            windowBase = current // 256·windowBase
        }
        windows = rows
    }

    /// k·base.
    public func multiply(_ scalar: Fr) -> JacobianPoint<C> {
        let k = scalar.canonical
        var acc = JacobianPoint<C>.infinity
        for j in 0..<32 {
            let byte = Int((limb4(k, j >> 3) >> UInt64((j & 7) * 8)) & 0xff)
            if byte != 0 { acc = acc.adding(windows[j][byte - 1]) }
        }
        return acc
    }

    /// kᵢ·base for every scalar, in affine form, spread over `threads` threads.
    public func multiplyAll(_ scalars: [Fr], threads: Int) -> [AffinePoint<C>] {
        let n = scalars.count
        var out = [AffinePoint<C>](repeating: .infinity, count: n)
        let workers = max(1, min(threads, n / 64 + 1))
        let chunk = (n + workers - 1) / workers
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer // each worker writes its own disjoint range
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lower = w * chunk
                let upper = min(n, lower + chunk)
                guard lower < upper else { return }
                var block: [JacobianPoint<C>] = []
                block.reserveCapacity(upper - lower)
                for i in lower..<upper { block.append(multiply(scalars[i])) }
                let affine = JacobianPoint<C>.batchToAffine(block)
                for i in lower..<upper { output[i] = affine[i - lower] }
            }
        }
        return out
    }
}
