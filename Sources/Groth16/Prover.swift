import BN254
import Dispatch

/// How long each phase of one proof took, in nanoseconds.
public struct ProverTimings: Sendable, Equatable {
    /// Evaluating A and B on the domain from the key's coefficients.
    public var abEvaluation: Double = 0
    /// The six NTTs that move a, b, c to the odd coset, and h = a·b − c there.
    public var hPolynomial: Double = 0
    public var msmA: Double = 0
    public var msmB1: Double = 0
    public var msmB2: Double = 0
    public var msmC: Double = 0
    public var msmH: Double = 0
    /// Reading and writing a checkpoint, when the proof has one: loads, hashing and durable writes.
    public var checkpoint: Double = 0
    /// The whole proof, checkpoint included.
    public var total: Double = 0

    public init() {}
}

/// The Groth16 prover for snarkjs-layout proving keys (FORMATS.md, "The Groth16 prover that matches
/// section 9"): A and B are evaluated on the n-domain from the key's coefficients, C = A·B pointwise; the
/// three are moved to the odd coset of the 2n-domain, where h = a·b − c is paired with the key's H points.
public enum Prover {
    /// Proves with fresh random r and s from the system's secure generator.
    ///
    /// - Returns: the proof and its public signals w[1…nPublic].
    public static func prove(
        key: ProvingKey, witness: [Fr], threads: Int = MSM.defaultThreads
    ) throws(Groth16Error) -> (proof: Proof, publicSignals: [Fr]) {
        var timings = ProverTimings()
        return try prove(key: key, witness: witness, r: .random(), s: .random(), threads: threads, timings: &timings)
    }

    /// Proves with the given blinding scalars r and s (tests pass fixed ones; a real proof must use fresh
    /// secure randomness, as `prove(key:witness:threads:)` does) and reports each phase's time.
    public static func prove(
        key: ProvingKey, witness: [Fr], r: Fr, s: Fr, threads: Int, timings: inout ProverTimings
    ) throws(Groth16Error) -> (proof: Proof, publicSignals: [Fr]) {
        try prove(key: key, witness: witness, r: r, s: s, threads: threads, timings: &timings, checkpoint: nil) { _ in }
    }

    /// The prover behind every overload; with a checkpoint, each stage is loaded from it when it holds a
    /// valid one, else computed and saved (see `Prover+Checkpoint.swift`).
    static func prove(
        key: ProvingKey, witness: [Fr], r: Fr, s: Fr, threads: Int, timings: inout ProverTimings,
        checkpoint: ProofCheckpoint?, progress: (ProofCheckpoint.Event) -> Void
    ) throws(Groth16Error) -> (proof: Proof, publicSignals: [Fr]) {
        guard witness.count == key.nVars else { throw .witnessLength(expected: key.nVars, actual: witness.count) }
        guard witness[0] == .one else { throw .constantWireNotOne(witness[0].decimal) }
        let threads = max(1, threads)
        let start = now()
        let stages = StageRunner(checkpoint: checkpoint, key: key, witness: witness, timings: &timings)

        // H first, so that its n evaluations are freed before the other MSMs allocate their scratch: the
        // prover's peak memory is the key plus one MSM's working set, not plus h as well. With a checkpoint
        // that holds msmH, h is not even read.
        let msmH = try stages.run(.msmH, ProofCheckpoint.g1Codec, &timings, progress) {
            (timings) throws(Groth16Error) in
            let h = try stages.run(.h, ProofCheckpoint.scalarCodec(count: key.domainSize), &timings, progress) {
                (timings) throws(Groth16Error) in
                let clock = now()
                let h = try hEvaluations(key: key, witness: witness, threads: threads, timings: &timings)
                timings.hPolynomial = now() - clock - timings.abEvaluation
                return h
            }
            let clock = now()
            let msmH = h.withUnsafeBufferPointer { key.msm(.h, $0, threads: threads) }
            timings.msmH = now() - clock
            return msmH
        }
        let msmA = stages.run(.msmA, ProofCheckpoint.g1Codec, &timings, progress) { timings in
            timed(&timings.msmA) { witness.withUnsafeBufferPointer { key.msm(.a, $0, threads: threads) } }
        }
        let msmB1 = stages.run(.msmB1, ProofCheckpoint.g1Codec, &timings, progress) { timings in
            timed(&timings.msmB1) { witness.withUnsafeBufferPointer { key.msm(.b1, $0, threads: threads) } }
        }
        let msmB2 = stages.run(.msmB2, ProofCheckpoint.g2Codec, &timings, progress) { timings in
            timed(&timings.msmB2) { witness.withUnsafeBufferPointer { key.msmB2($0, threads: threads) } }
        }
        let msmC = stages.run(.msmC, ProofCheckpoint.g1Codec, &timings, progress) { timings in
            timed(&timings.msmC) {
                witness.withUnsafeBufferPointer { w in
                    key.msm(.c, UnsafeBufferPointer(rebasing: w[(key.nPublic + 1)...]), threads: threads)
                }
            }
        }

        // A = α + Σ wᵢAᵢ + rδ; B = β + Σ wᵢB2ᵢ + sδ (and in G1 for C); C = Σ wᵢCᵢ + H + sA + rB1 − rsδ.
        let delta1 = G1Jacobian(key.delta1)
        let a = msmA.adding(key.alpha1) + delta1.multiplied(by: r)
        let b2 = msmB2.adding(key.beta2) + G2Jacobian(key.delta2).multiplied(by: s)
        let b1 = msmB1.adding(key.beta1) + delta1.multiplied(by: s)
        let c = msmC + msmH + a.multiplied(by: s) + b1.multiplied(by: r) - delta1.multiplied(by: r * s)
        let affine = G1Jacobian.batchToAffine([a, c])
        timings.total = now() - start
        let proof = Proof(a: affine[0], b: b2.toAffine(), c: affine[1])
        return (proof, Array(witness[1...key.nPublic]))
    }

    /// h on the odd coset: the evaluations of (A·B − C)(x) at ω_2n·ω^i, i < n.
    static func hEvaluations(
        key: ProvingKey, witness: [Fr], threads: Int, timings: inout ProverTimings
    ) throws(Groth16Error) -> [Fr] {
        let n = key.domainSize
        let clock = now()
        var a = [Fr](repeating: .zero, count: n)
        var b = [Fr](repeating: .zero, count: n)
        let scale = a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
                witness.withUnsafeBufferPointer { w in
                    key.accumulateCoefficients(w, a: a.baseAddress!, b: b.baseAddress!)
                }
            }
        }
        var c = [Fr](repeating: .zero, count: n)
        if scale == .one {
            for i in 0..<n { c[i] = a[i] * b[i] }
        } else {
            for i in 0..<n {
                a[i] *= scale
                b[i] *= scale
                c[i] = a[i] * b[i]
            }
        }
        timings.abEvaluation = now() - clock

        let domain: EvaluationDomain
        do {
            domain = try EvaluationDomain(size: n, threads: threads)
            try domain.moveToOddCoset(&a, threads: threads)
            try domain.moveToOddCoset(&b, threads: threads)
            try domain.moveToOddCoset(&c, threads: threads)
        } catch {
            throw .bn254(error)
        }
        a.withUnsafeMutableBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeBufferPointer { cBuffer in
                    // Each thread writes its own disjoint range of a.
                    nonisolated(unsafe) let a = aBuffer
                    nonisolated(unsafe) let b = bBuffer
                    nonisolated(unsafe) let c = cBuffer
                    let chunk = (n + threads - 1) / threads
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let lower = t * chunk
                        let upper = min(n, lower + chunk)
                        var i = lower
                        while i < upper {
                            a[i] = a[i] * b[i] - c[i]
                            i += 1
                        }
                    }
                }
            }
        }
        return a
    }

    /// `body`'s result, with its time stored in `phase`.
    @inline(__always)
    static func timed<T>(_ phase: inout Double, _ body: () -> T) -> T {
        let clock = now()
        let result = body()
        phase = now() - clock
        return result
    }

    @inline(__always)
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) }
}
