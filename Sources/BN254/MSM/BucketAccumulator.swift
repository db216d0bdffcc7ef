/// An affine bucket: (x, y) with (0, 0) for the point at infinity. Neither BN254 group has a point with y = 0
/// (both have odd order, so no point of order 2), so y = 0 marks infinity unambiguously. Without the flag of
/// `AffinePoint` a G1 bucket is 64 bytes, one cache line.
@frozen @usableFromInline
struct BucketPoint<F: FieldElement> {
    @usableFromInline var x: F
    @usableFromInline var y: F

    @inlinable @inline(__always)
    init(x: F, y: F) {
        self.x = x
        self.y = y
    }

    @inlinable @inline(__always)
    var isInfinity: Bool { y.isZero }
}

/// The buckets of one window of the bucket method, accumulated in affine form with batched inversions.
///
/// The batch-affine technique is from gnark-crypto (`multiexp_affine.go`, after Aztec's barretenberg and
/// "EdMSM", ia.cr/2022/1396 §5.3): an affine addition costs 1 inversion + 2M + 1S, and Montgomery's trick
/// shares one inversion among a batch of additions into distinct buckets for 3M each, so an addition costs
/// about 6M instead of the 11M of a mixed Jacobian addition. Two additions into the same bucket cannot be in one
/// batch; the later one waits in a queue and joins the next batch, and when the queue fills up (inputs far
/// from random, such as one point repeated) its entries go into a second set of Jacobian buckets instead.
/// Doubling (a point added to a bucket equal to it) goes there too.
///
/// With `batchCapacity` 0 every addition goes straight into the Jacobian buckets, which is faster for small
/// inputs where a batch would rarely fill.
@usableFromInline
struct BucketAccumulator<C: CurveParameters> {
    @usableFromInline typealias Field = C.Field

    @usableFromInline let bucketCount: Int
    @usableFromInline let buckets: UnsafeMutablePointer<BucketPoint<Field>>
    /// Jacobian buckets, allocated on first use.
    @usableFromInline var jacobian: UnsafeMutablePointer<JacobianPoint<C>>?

    @usableFromInline let batchCapacity: Int
    @usableFromInline var batchCount = 0
    /// For each batch entry, the bucket it adds into.
    @usableFromInline let batchBucket: UnsafeMutablePointer<Int32>
    /// For each batch entry, the point to add (already signed).
    @usableFromInline let batchPoint: UnsafeMutablePointer<BucketPoint<Field>>
    /// The denominators of a batch, then their inverses.
    @usableFromInline let denominators: UnsafeMutablePointer<Field>
    /// Prefix products of the denominators.
    @usableFromInline let prefix: UnsafeMutablePointer<Field>
    /// The targets of a batch of the reduction (bitwise not for a doubling).
    @usableFromInline let entries: UnsafeMutablePointer<Int32>
    /// The number of segments whose running sums the reduction advances together (1: plain running sums).
    @usableFromInline let segmentCount: Int
    /// For Fq2 coordinates, the denominators' norms and their prefix products.
    @usableFromInline let norms: UnsafeMutablePointer<Fq>
    @usableFromInline let normPrefix: UnsafeMutablePointer<Fq>
    /// 1 for a bucket that has an entry in the current batch.
    @usableFromInline let inBatch: UnsafeMutablePointer<UInt8>

    @usableFromInline let queueCapacity: Int
    @usableFromInline var queueCount = 0
    @usableFromInline let queueBucket: UnsafeMutablePointer<Int32>
    @usableFromInline let queuePoint: UnsafeMutablePointer<BucketPoint<Field>>

    @inlinable
    init(bucketCount: Int, batchCapacity: Int) {
        self.bucketCount = bucketCount
        self.batchCapacity = batchCapacity
        // The queue is smaller than a batch, so draining it into an empty batch never fills the batch.
        self.queueCapacity = max(0, batchCapacity - 1)
        buckets = .allocate(capacity: bucketCount)
        buckets.initialize(repeating: BucketPoint(x: .zero, y: .zero), count: bucketCount)
        // Segments of at least 8 buckets, at most 256 of them (enough to spread an inversion); none for Jacobian
        // buckets, where the inputs are small.
        segmentCount = batchCapacity == 0 || bucketCount < 64 ? 1 : min(256, bucketCount / 8)
        let slots = max(1, batchCapacity, segmentCount)
        batchBucket = .allocate(capacity: slots)
        batchPoint = .allocate(capacity: slots)
        prefix = .allocate(capacity: slots)
        denominators = .allocate(capacity: slots)
        entries = .allocate(capacity: slots)
        let normSlots = Field.self == Fq2.self ? slots : 1
        norms = .allocate(capacity: normSlots)
        normPrefix = .allocate(capacity: normSlots)
        queueBucket = .allocate(capacity: slots)
        queuePoint = .allocate(capacity: slots)
        inBatch = .allocate(capacity: bucketCount)
        inBatch.initialize(repeating: 0, count: bucketCount)
        jacobian = nil
        if batchCapacity == 0 { jacobian = Self.allocateJacobian(bucketCount) }
    }

    @inlinable
    static func allocateJacobian(_ count: Int) -> UnsafeMutablePointer<JacobianPoint<C>> {
        let p = UnsafeMutablePointer<JacobianPoint<C>>.allocate(capacity: count)
        p.initialize(repeating: .infinity, count: count)
        return p
    }

    @inlinable
    func deallocate() {
        buckets.deallocate()
        batchBucket.deallocate()
        batchPoint.deallocate()
        prefix.deallocate()
        denominators.deallocate()
        entries.deallocate()
        norms.deallocate()
        normPrefix.deallocate()
        queueBucket.deallocate()
        queuePoint.deallocate()
        inBatch.deallocate()
        jacobian?.deallocate()
    }

    /// Adds ±`point` (not infinity) into bucket `b`.
    @inlinable @inline(__always)
    mutating func add(_ b: Int, x: Field, y: Field) {
        if batchCapacity == 0 {
            jacobian.unsafelyUnwrapped[b] = jacobian.unsafelyUnwrapped[b].adding(AffinePoint(unchecked: x, y))
            return
        }
        if inBatch[b] != 0 {
            enqueue(b, BucketPoint(x: x, y: y))
            return
        }
        addOutsideBatch(b, BucketPoint(x: x, y: y))
    }

    /// Adds `p` into bucket `b`, which has no entry in the current batch.
    @inlinable @inline(__always)
    mutating func addOutsideBatch(_ b: Int, _ p: BucketPoint<Field>) {
        let bucket = buckets[b]
        if bucket.isInfinity {
            buckets[b] = p
            return
        }
        if bucket.x == p.x {
            if bucket.y == p.y {
                addJacobian(b, p) // doubling: rare enough to leave to the Jacobian formulas
            } else {
                buckets[b] = BucketPoint(x: .zero, y: .zero) // P + (−P)
            }
            return
        }
        inBatch[b] = 1
        batchBucket[batchCount] = Int32(truncatingIfNeeded: b)
        batchPoint[batchCount] = p
        batchCount &+= 1
        if batchCount == batchCapacity {
            executeBatch()
            drainQueue()
        }
    }

    @inlinable
    mutating func addJacobian(_ b: Int, _ p: BucketPoint<Field>) {
        if jacobian == nil { jacobian = Self.allocateJacobian(bucketCount) }
        let jac = jacobian.unsafelyUnwrapped
        jac[b] = jac[b].adding(AffinePoint(unchecked: p.x, p.y))
    }

    @inlinable
    mutating func enqueue(_ b: Int, _ p: BucketPoint<Field>) {
        queueBucket[queueCount] = Int32(truncatingIfNeeded: b)
        queuePoint[queueCount] = p
        queueCount &+= 1
        if queueCount == queueCapacity {
            // The input is not random enough for the batch to absorb the collisions.
            for i in 0..<queueCount { addJacobian(Int(queueBucket[i]), queuePoint[i]) }
            queueCount = 0
        }
    }

    /// Moves the queued additions whose buckets are free into the (just emptied) batch.
    @inlinable
    mutating func drainQueue() {
        var kept = 0
        for i in 0..<queueCount {
            let b = Int(queueBucket[i])
            if inBatch[b] != 0 {
                queueBucket[kept] = queueBucket[i]
                queuePoint[kept] = queuePoint[i]
                kept &+= 1
            } else {
                addOutsideBatch(b, queuePoint[i])
            }
        }
        queueCount = kept
    }

    /// Performs the batch's additions: λ = (y2 − y1)/(x2 − x1), x3 = λ² − x1 − x2, y3 = λ(x1 − x3) − y1, with the
    /// inverses of all x2 − x1 from one inversion.
    @inlinable
    mutating func executeBatch() {
        let n = batchCount
        if n == 0 { return }
        for j in 0..<n {
            denominators[j] = batchPoint[j].x - buckets[Int(batchBucket[j])].x
        }
        invertDenominators(n)
        for j in 0..<n {
            let b = Int(batchBucket[j])
            let r = buckets[b]
            let p = batchPoint[j]
            let lambda = (p.y - r.y) * denominators[j]
            let x3 = lambda.squared() - r.x - p.x
            let y3 = lambda * (r.x - x3) - r.y
            buckets[b] = BucketPoint(x: x3, y: y3)
            inBatch[b] = 0
        }
        batchCount = 0
    }

    /// Replaces `denominators[0..<n]` (none zero) by their inverses, with one inversion (Montgomery's trick).
    @inlinable @inline(__always)
    func invertDenominators(_ n: Int) {
        if Field.self == Fq2.self {
            // Folded away by specialization: G2 inverts norms in Fq instead.
            invertDenominatorsOverFq2(n)
            return
        }
        var acc = Field.one
        for j in 0..<n {
            prefix[j] = acc
            acc = acc * denominators[j]
        }
        var inverse = acc.inverse()
        var j = n - 1
        while j >= 0 {
            let d = denominators[j]
            denominators[j] = inverse * prefix[j]
            inverse = inverse * d
            j &-= 1
        }
    }

    /// `invertDenominators` for Fq2: 1/d = conj(d)/N(d) with the norm N(d) = d₀² + d₁² in Fq, so the batch
    /// inverts norms in Fq (3M each) and each inverse costs 2M more for the norm and 2M for conj(d)·N⁻¹:
    /// 7 Fq multiplications per element instead of the 9 of Montgomery's trick in Fq2.
    @inlinable
    func invertDenominatorsOverFq2(_ n: Int) {
        let denominators = UnsafeMutableRawPointer(self.denominators).assumingMemoryBound(to: Fq2.self)
        var acc = Fq.one
        for j in 0..<n {
            normPrefix[j] = acc
            let norm = denominators[j].norm
            norms[j] = norm
            acc = acc * norm
        }
        var inverse = acc.inverse()
        var j = n - 1
        while j >= 0 {
            let normInverse = inverse * normPrefix[j]
            inverse = inverse * norms[j]
            let d = denominators[j]
            denominators[j] = Fq2(d.c0 * normInverse, -(d.c1 * normInverse))
            j &-= 1
        }
    }

    /// targets[s] += addends[s·stride] for s in 0..<count, in affine form with one shared inversion. Unlike the
    /// bucket batches this handles doubling in the batch too (λ = 3x²/2y), because the running sums of the
    /// reduction meet equal points as a matter of course (a running sum added to a total that equals it).
    @inlinable
    func addInPlace(
        _ targets: UnsafeMutablePointer<BucketPoint<Field>>, _ addends: UnsafePointer<BucketPoint<Field>>,
        stride: Int, count: Int
    ) {
        var n = 0
        for s in 0..<count {
            let x = addends[s &* stride]
            if x.isInfinity { continue }
            let a = targets[s]
            if a.isInfinity {
                targets[s] = x
                continue
            }
            if a.x == x.x {
                if a.y != x.y {
                    targets[s] = BucketPoint(x: .zero, y: .zero)
                    continue
                }
                denominators[n] = a.y.doubled()
                entries[n] = Int32(truncatingIfNeeded: ~s) // a doubling
            } else {
                denominators[n] = x.x - a.x
                entries[n] = Int32(truncatingIfNeeded: s)
            }
            n &+= 1
        }
        if n == 0 { return }
        invertDenominators(n)
        for j in 0..<n {
            let code = Int(entries[j])
            let s = code < 0 ? ~code : code
            let a = targets[s]
            let x = addends[s &* stride]
            let numerator: Field
            if code < 0 {
                let xx = a.x.squared()
                numerator = xx.doubled() + xx
            } else {
                numerator = x.y - a.y
            }
            let lambda = numerator * denominators[j]
            let x3 = lambda.squared() - a.x - x.x
            let y3 = lambda * (a.x - x3) - a.y
            targets[s] = BucketPoint(x: x3, y: y3)
        }
    }

    /// Completes the pending additions and returns Σ (k + 1)·bucket[k].
    @inlinable
    mutating func finish() -> JacobianPoint<C> {
        executeBatch()
        for i in 0..<queueCount { addJacobian(Int(queueBucket[i]), queuePoint[i]) }
        queueCount = 0
        if segmentCount > 1 {
            foldJacobianBuckets()
            return reduceBySegments()
        }
        return Self.runningSum(affine: buckets, jacobian: jacobian, count: bucketCount)
    }

    /// Adds the Jacobian buckets that were used into the affine ones, converting them with one inversion per
    /// chunk, so that the reduction runs once over affine buckets. Inputs with many equal scalars (a witness
    /// full of ones) send many additions to the Jacobian buckets, but only into a few of them.
    @inlinable
    mutating func foldJacobianBuckets() {
        guard let jacobian else { return }
        let chunk = max(1, batchCapacity, segmentCount)
        let indices = UnsafeMutablePointer<Int>.allocate(capacity: chunk)
        let sums = UnsafeMutablePointer<BucketPoint<Field>>.allocate(capacity: 2 * chunk)
        defer {
            indices.deallocate()
            sums.deallocate()
        }
        let targets = sums
        let addends = sums + chunk
        var k = 0
        while k < bucketCount {
            var n = 0
            while k < bucketCount && n < chunk {
                if !jacobian[k].isInfinity {
                    indices[n] = k
                    denominators[n] = jacobian[k].z
                    n += 1
                }
                k += 1
            }
            if n == 0 { break }
            invertDenominators(n)
            for j in 0..<n {
                let p = jacobian[indices[j]]
                let zInverse = denominators[j]
                let zInverse2 = zInverse.squared()
                (addends + j).initialize(to: BucketPoint(x: p.x * zInverse2, y: p.y * zInverse2 * zInverse))
                (targets + j).initialize(to: buckets[indices[j]])
            }
            addInPlace(targets, addends, stride: 1, count: n)
            for j in 0..<n { buckets[indices[j]] = targets[j] }
        }
        jacobian.deallocate()
        self.jacobian = nil
    }

    /// Σ (k + 1)·(affine[k] + jacobian[k]) by running sums in Jacobian form: after bucket k, running =
    /// Σ_{i≥k} bucket[i], and adding it to the total at every step counts bucket[i] exactly i + 1 times.
    @inlinable
    static func runningSum(
        affine: UnsafeMutablePointer<BucketPoint<Field>>, jacobian: UnsafeMutablePointer<JacobianPoint<C>>?,
        count: Int
    ) -> JacobianPoint<C> {
        var running = JacobianPoint<C>.infinity
        var total = JacobianPoint<C>.infinity
        var k = count - 1
        while k >= 0 {
            if !affine[k].isInfinity {
                running = running.adding(AffinePoint(unchecked: affine[k].x, affine[k].y))
            }
            if let jacobian, !jacobian[k].isInfinity {
                running = running + jacobian[k]
            }
            total = total + running
            k &-= 1
        }
        return total
    }

    /// Σ (k + 1)·bucket[k] over the affine buckets, with the running sums of `segmentCount` segments of L
    /// buckets advanced in lockstep so that each step is one batch of affine additions. With k = s·L + t,
    /// (k + 1) = (t + 1) + s·L, so the sum is Σ_s T_s + L·Σ_s s·R_s, where R_s is the sum of segment s and
    /// T_s its running-sum total with local weights t + 1.
    @inlinable
    func reduceBySegments() -> JacobianPoint<C> {
        let segments = segmentCount
        let length = bucketCount / segments
        let sums = UnsafeMutablePointer<BucketPoint<Field>>.allocate(capacity: 2 * segments)
        defer { sums.deallocate() }
        sums.initialize(repeating: BucketPoint(x: .zero, y: .zero), count: 2 * segments)
        let running = sums
        let totals = sums + segments
        var t = length - 1
        while t >= 0 {
            addInPlace(running, buckets + t, stride: length, count: segments)
            addInPlace(totals, running, stride: 1, count: segments)
            t &-= 1
        }
        // L·Σ_s s·R_s by running sums over the segments, then Σ_s T_s.
        var suffix = JacobianPoint<C>.infinity
        var weighted = JacobianPoint<C>.infinity
        for s in stride(from: segments - 1, through: 1, by: -1) {
            if !running[s].isInfinity { suffix = suffix.adding(AffinePoint(unchecked: running[s].x, running[s].y)) }
            weighted = weighted + suffix
        }
        var shift = length
        while shift > 1 {
            weighted = weighted.doubled()
            shift >>= 1
        }
        for s in 0..<segments where !totals[s].isInfinity {
            weighted = weighted.adding(AffinePoint(unchecked: totals[s].x, totals[s].y))
        }
        return weighted
    }
}
