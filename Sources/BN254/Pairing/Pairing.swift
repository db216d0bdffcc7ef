// The optimal ate pairing on BN254: e(P, Q) = f_{6x+2,Q}(P) · ℓ_{[6x+2]Q, π(Q)}(P) · ℓ_{[6x+2]Q+π(Q), −π²(Q)}(P),
// raised to (q¹² − 1)/r up to a fixed factor coprime to r (Vercauteren, "Optimal pairings", 2010, §IV.A;
// the final exponentiation is in FinalExponentiation.swift).

/// The optimal ate pairing e: G1 × G2 → μ_r ⊂ Fq12*, and products of pairings with one shared Miller loop and
/// one final exponentiation.
///
/// Pairs in which either point is the point at infinity contribute 1 and are skipped. The points are not
/// validated here: callers check that G2 inputs are in the subgroup (`G2Affine.isInSubgroup`).
public enum Pairing {
    /// e(P, Q).
    public static func pairing(_ p: G1Affine, _ q: G2Affine) -> Fq12 {
        finalExponentiation(millerLoop(p, q))
    }

    /// The product of e(Pᵢ, Qᵢ), with one final exponentiation.
    public static func pairingProduct(_ pairs: [(G1Affine, G2Affine)]) -> Fq12 {
        finalExponentiation(millerLoop(pairs))
    }

    /// Whether the product of e(Pᵢ, Qᵢ) is 1, the check of every pairing-based verifier (EIP-197).
    public static func pairingCheck(_ pairs: [(G1Affine, G2Affine)]) -> Bool {
        pairingProduct(pairs).isOne
    }

    /// The product of e(Pᵢ, Qᵢ) for prepared G2 points, with one final exponentiation.
    public static func pairingProduct(prepared pairs: [(G1Affine, G2Prepared)]) -> Fq12 {
        finalExponentiation(millerLoop(prepared: pairs))
    }

    /// Whether the product of e(Pᵢ, Qᵢ) for prepared G2 points is 1.
    public static func pairingCheck(prepared pairs: [(G1Affine, G2Prepared)]) -> Bool {
        pairingProduct(prepared: pairs).isOne
    }

    // MARK: Miller loop

    /// The state of one pair during a shared Miller loop.
    @usableFromInline
    struct LoopState {
        @usableFromInline var t: TwistPoint
        @usableFromInline let qx: Fq2
        @usableFromInline let qy: Fq2
        @usableFromInline let negativeQY: Fq2
        @usableFromInline let yP: Fq
        /// −yP, 3xP and −xP, the factors of the lines' coefficients at w⁰ and w¹.
        @usableFromInline let negativeYP: Fq
        @usableFromInline let threeXP: Fq
        @usableFromInline let negativeXP: Fq

        @inlinable
        init(_ p: G1Affine, _ q: G2Affine) {
            t = TwistPoint(q)
            qx = q.x
            qy = q.y
            negativeQY = -q.y
            yP = p.y
            negativeYP = -p.y
            threeXP = p.x + p.x + p.x
            negativeXP = -p.x
        }
    }

    /// The Miller loop of one pair, without the final exponentiation.
    public static func millerLoop(_ p: G1Affine, _ q: G2Affine) -> Fq12 {
        if p.isInfinity || q.isInfinity { return .one }
        return withUnsafeTemporaryAllocation(of: LoopState.self, capacity: 1) { states in
            states.initializeElement(at: 0, to: LoopState(p, q))
            return millerLoop(states)
        }
    }

    /// The product of the Miller loops of the pairs, computed as one loop: the accumulator is squared once
    /// per step for all pairs, and each pair multiplies in its own lines.
    public static func millerLoop(_ pairs: [(G1Affine, G2Affine)]) -> Fq12 {
        withUnsafeTemporaryAllocation(of: LoopState.self, capacity: pairs.count) { states in
            var n = 0
            for (p, q) in pairs where !p.isInfinity && !q.isInfinity {
                states.initializeElement(at: n, to: LoopState(p, q))
                n += 1
            }
            return millerLoop(UnsafeMutableBufferPointer(rebasing: states[0..<n]))
        }
    }

    /// The shared loop over 6x + 2 in NAF, then the two Frobenius steps. `LoopState` is trivial, so the
    /// buffer needs no deinitialization.
    @inlinable
    static func millerLoop(_ states: UnsafeMutableBufferPointer<LoopState>) -> Fq12 {
        var f = Fq12.one
        guard !states.isEmpty else { return f }
        let digits = PairingConstants.loopDigits
        // The accumulator is 1 until the first line: its squaring is skipped and the first line is copied in.
        var fIsOne = true
        // The steps of all pairs first, then the multiplications: each kind of code stays hot in the
        // instruction cache for n calls in a row.
        withUnsafeTemporaryAllocation(of: (Fq2, Fq2, Fq2).self, capacity: states.count) { lines in
            for i in 1..<digits.count {
                if !fIsOne { f = f.squared() }
                for k in states.indices {
                    lines[k] = states[k].t.doubleStep(negativeYP: states[k].negativeYP, threeXP: states[k].threeXP)
                }
                var first = 0
                if fIsOne {
                    let zero = Fq2(.zero, .zero)
                    f = Fq12(Fq6(lines[0].0, zero, zero), Fq6(lines[0].1, lines[0].2, zero))
                    fIsOne = false
                    first = 1
                }
                for k in first..<states.count {
                    f = f.multiplied(by034: lines[k].0, lines[k].1, lines[k].2)
                }
                let digit = digits[i]
                if digit != 0 {
                    for k in states.indices {
                        let qy = digit > 0 ? states[k].qy : states[k].negativeQY
                        lines[k] = states[k].t.addStep(
                            states[k].qx, qy, yP: states[k].yP, negativeXP: states[k].negativeXP)
                    }
                    for k in states.indices {
                        f = f.multiplied(by034: lines[k].0, lines[k].1, lines[k].2)
                    }
                }
            }
        }
        for k in states.indices {
            let (q1, q2) = frobeniusPoints(x: states[k].qx, y: states[k].qy)
            let (a0, a3, a4) = states[k].t.addStep(
                q1.x, q1.y, yP: states[k].yP, negativeXP: states[k].negativeXP)
            f = f.multiplied(by034: a0, a3, a4)
            let (b0, b3, b4) = states[k].t.addStep(
                q2.x, q2.y, yP: states[k].yP, negativeXP: states[k].negativeXP)
            f = f.multiplied(by034: b0, b3, b4)
        }
        return f
    }

    /// The product of the Miller loops of the pairs, for prepared G2 points.
    public static func millerLoop(prepared pairs: [(G1Affine, G2Prepared)]) -> Fq12 {
        let active = pairs.filter { !$0.0.isInfinity && !$0.1.isInfinity }
        var f = Fq12.one
        guard !active.isEmpty else { return f }
        let digits = PairingConstants.loopDigits
        var index = 0
        var fIsOne = true
        for i in 1..<digits.count {
            if !fIsOne { f = f.squared() }
            for (p, prepared) in active {
                let line = prepared.lines[index]
                if fIsOne {
                    f = Fq12(line: line, xP: p.x, yP: p.y)
                    fIsOne = false
                } else {
                    f = f.multiplied(byLine: line, xP: p.x, yP: p.y)
                }
            }
            index += 1
            if digits[i] != 0 {
                for (p, prepared) in active {
                    f = f.multiplied(byLine: prepared.lines[index], xP: p.x, yP: p.y)
                }
                index += 1
            }
        }
        for (p, prepared) in active {
            f = f.multiplied(byLine: prepared.lines[index], xP: p.x, yP: p.y)
            f = f.multiplied(byLine: prepared.lines[index + 1], xP: p.x, yP: p.y)
        }
        return f
    }

    /// π(Q) and −π²(Q) on the twist, for the two extra lines of the optimal ate pairing. The Frobenius π of
    /// E, carried to the twist, is (x, y) ↦ (conj(x)·ξ^((q−1)/3), conj(y)·ξ^((q−1)/2)); π² multiplies x by
    /// ξ^((q²−1)/3) ∈ Fq and y by ξ^((q²−1)/2) = −1.
    @inlinable
    static func frobeniusPoints(x: Fq2, y: Fq2) -> (q1: (x: Fq2, y: Fq2), q2: (x: Fq2, y: Fq2)) {
        let g = TowerConstants.shared
        let q1 = (x: x.conjugate() * g.gamma1.w2, y: y.conjugate() * g.gamma1.w3)
        let q2 = (x: x.scaled(by: g.gamma2.w2.c0), y: y)
        return (q1, q2)
    }

    static func frobeniusPoints(_ q: G2Affine) -> (q1: (x: Fq2, y: Fq2), q2: (x: Fq2, y: Fq2)) {
        frobeniusPoints(x: q.x, y: q.y)
    }
}
