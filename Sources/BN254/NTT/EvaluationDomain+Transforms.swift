// The public transforms. Each one checks the length once, then runs on a raw pointer: the array forms hand
// their storage to the buffer forms, so there is no copy and no bounds check or copy-on-write in a loop.
//
// Building blocks (NTTKernel): `naturalToBitReversed` evaluates (Cooley–Tukey) and leaves bit-reversed
// order, `bitReversedToNatural` undoes it (Gentleman–Sande). A transform with natural order on both sides
// adds one cache-blocked bit reversal (BitReversal); the odd-coset move chains an inverse and a forward
// pass so that the bit-reversed orders cancel and needs none.

extension EvaluationDomain {
    // MARK: Arrays

    /// Replaces the n coefficients of a polynomial by its values at ω^0, …, ω^(n−1).
    ///
    /// - Throws: `BN254Error.malformed` unless `values` holds exactly n elements.
    public func ntt(_ values: inout [Fr], threads: Int = defaultThreadCount) throws(BN254Error) {
        try withBuffer(&values) { buffer throws(BN254Error) in try ntt(buffer, threads: threads) }
    }

    /// Replaces the values at ω^0, …, ω^(n−1) of a polynomial of degree < n by its n coefficients.
    ///
    /// - Throws: `BN254Error.malformed` unless `values` holds exactly n elements.
    public func inverseNTT(_ values: inout [Fr], threads: Int = defaultThreadCount) throws(BN254Error) {
        try withBuffer(&values) { buffer throws(BN254Error) in try inverseNTT(buffer, threads: threads) }
    }

    /// Replaces the n coefficients of a polynomial by its values at shift·ω^0, …, shift·ω^(n−1).
    ///
    /// - Throws: `BN254Error.malformed` unless `values` holds exactly n elements.
    public func cosetNTT(_ values: inout [Fr], shift: Fr, threads: Int = defaultThreadCount) throws(BN254Error) {
        try withBuffer(&values) { buffer throws(BN254Error) in try cosetNTT(buffer, shift: shift, threads: threads) }
    }

    /// Replaces the values at shift·ω^0, …, shift·ω^(n−1) of a polynomial of degree < n by its n coefficients;
    /// `shift` must not be zero.
    ///
    /// - Throws: `BN254Error.malformed` unless `values` holds exactly n elements.
    public func inverseCosetNTT(_ values: inout [Fr], shift: Fr, threads: Int = defaultThreadCount)
        throws(BN254Error)
    {
        try withBuffer(&values) { buffer throws(BN254Error) in
            try inverseCosetNTT(buffer, shift: shift, threads: threads)
        }
    }

    /// Replaces the values of a polynomial of degree < n at ω^i by its values at ω_2n·ω^i = ω_2n^(2i+1), the
    /// odd coset of the domain of size 2n (the step of the Groth16 prover that computes the quotient
    /// polynomial h, as snarkjs and gnark do it). Equivalent to `inverseNTT` followed by `cosetNTT` with
    /// shift ω_2n (`oddCosetShift`), without their bit reversals.
    ///
    /// - Throws: `BN254Error.malformed` unless `values` holds exactly n elements, or when n = 2^28, for
    ///   which Fr has no 2n-th root of unity.
    public func moveToOddCoset(_ values: inout [Fr], threads: Int = defaultThreadCount) throws(BN254Error) {
        try withBuffer(&values) { buffer throws(BN254Error) in try moveToOddCoset(buffer, threads: threads) }
    }

    // MARK: Buffers

    /// `ntt(_:threads:)` on memory the caller owns.
    public func ntt(_ values: UnsafeMutableBufferPointer<Fr>, threads: Int = defaultThreadCount)
        throws(BN254Error)
    {
        let a = try base(of: values)
        let threads = max(1, threads)
        twiddles.withUnsafeBufferPointer { buffer in
            let table = SharedTable(buffer)
            NTTKernel.naturalToBitReversed(a, logSize: logSize, twiddles: table, inverse: false, threads: threads)
        }
        BitReversal.permute(a, logSize: logSize, scale: nil, threads: threads)
    }

    /// `inverseNTT(_:threads:)` on memory the caller owns.
    public func inverseNTT(_ values: UnsafeMutableBufferPointer<Fr>, threads: Int = defaultThreadCount)
        throws(BN254Error)
    {
        let a = try base(of: values)
        let threads = max(1, threads)
        twiddles.withUnsafeBufferPointer { buffer in
            let table = SharedTable(buffer)
            NTTKernel.naturalToBitReversed(a, logSize: logSize, twiddles: table, inverse: true, threads: threads)
        }
        BitReversal.permute(a, logSize: logSize, scale: sizeInverse, threads: threads)
    }

    /// `cosetNTT(_:shift:threads:)` on memory the caller owns.
    public func cosetNTT(_ values: UnsafeMutableBufferPointer<Fr>, shift: Fr, threads: Int = defaultThreadCount)
        throws(BN254Error)
    {
        let a = try base(of: values)
        let threads = max(1, threads)
        multiplyByPowers(a, first: .one, ratio: shift, threads: threads)
        try ntt(values, threads: threads)
    }

    /// `inverseCosetNTT(_:shift:threads:)` on memory the caller owns.
    public func inverseCosetNTT(
        _ values: UnsafeMutableBufferPointer<Fr>, shift: Fr, threads: Int = defaultThreadCount
    ) throws(BN254Error) {
        let a = try base(of: values)
        let threads = max(1, threads)
        twiddles.withUnsafeBufferPointer { buffer in
            let table = SharedTable(buffer)
            NTTKernel.naturalToBitReversed(a, logSize: logSize, twiddles: table, inverse: true, threads: threads)
        }
        BitReversal.permute(a, logSize: logSize, scale: nil, threads: threads)
        // Coefficient i is n·c_i·shift^i here: one pass takes out both factors.
        multiplyByPowers(a, first: sizeInverse, ratio: shift.inverse(), threads: threads)
    }

    /// `moveToOddCoset(_:threads:)` on memory the caller owns.
    public func moveToOddCoset(_ values: UnsafeMutableBufferPointer<Fr>, threads: Int = defaultThreadCount)
        throws(BN254Error)
    {
        let a = try base(of: values)
        guard let shift = oddCosetShift else {
            throw .malformed(
                "the NTT domain of size 2^\(logSize) has no odd coset: Fr has no root of unity of order 2^\(logSize + 1)"
            )
        }
        guard logSize > 0 else { return } // a constant is the same everywhere
        let threads = max(1, threads)
        let n = size
        twiddles.withUnsafeBufferPointer { buffer in
            let table = SharedTable(buffer)
            // n·c_rev(p) lands in a[p].
            NTTKernel.naturalToBitReversed(a, logSize: logSize, twiddles: table, inverse: true, threads: threads)
            // Coefficient rev(p) needs ω_2n^rev(p) / n. With rev on k bits, ω_2n^rev(p) is entry p of the 2n
            // domain's twiddle table: T[p] for p < n/2 and T[p − n/2]·ω_2n above (see makeTwiddles).
            let half = n / 2
            let lowFactor = sizeInverse
            let highFactor = sizeInverse * shift
            let shared = SharedPointer(a)
            Parallel.forEachSlice(of: half, workers: NTTKernel.workers(forCount: n, threads: threads)) { range in
                for p in range {
                    shared.base[p] = shared.base[p] * table[p] * lowFactor
                    shared.base[half + p] = shared.base[half + p] * table[p] * highFactor
                }
            }
            // Coefficients in bit-reversed order in, values in natural order out.
            NTTKernel.bitReversedToNatural(a, logSize: logSize, twiddles: table, inverse: false, threads: threads)
        }
    }

    // MARK: Helpers

    /// The buffer's start, once its length is checked to be n.
    func base(of values: UnsafeMutableBufferPointer<Fr>) throws(BN254Error) -> UnsafeMutablePointer<Fr> {
        guard values.count == size, let base = values.baseAddress else {
            throw .malformed("NTT input of \(values.count) elements for a domain of \(size) points")
        }
        return base
    }

    /// Runs `body` on the array's storage.
    func withBuffer(
        _ values: inout [Fr], _ body: (UnsafeMutableBufferPointer<Fr>) throws(BN254Error) -> Void
    ) throws(BN254Error) {
        let result: Result<Void, BN254Error> = values.withUnsafeMutableBufferPointer { buffer in
            do throws(BN254Error) {
                try body(buffer)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// a[i] *= first·ratio^i; each worker starts its slice with one exponentiation.
    func multiplyByPowers(_ a: UnsafeMutablePointer<Fr>, first: Fr, ratio: Fr, threads: Int) {
        let shared = SharedPointer(a)
        Parallel.forEachSlice(of: size, workers: NTTKernel.workers(forCount: size, threads: threads)) { range in
            var power = first * ratio.power(UInt64(range.lowerBound))
            for i in range {
                shared.base[i] *= power
                power *= ratio
            }
        }
    }
}
