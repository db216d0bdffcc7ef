// The doubling and addition steps of the Miller loop on the D-type twist E': y² = x³ + b' (b' = 3/ξ), in
// homogeneous projective coordinates, each returning the line through the points it combined.
//
// Formulas: Aranha, Karabina, Longa, Gebotys and López, "Faster explicit formulas for computing pairings over
// ordinary curves" (Eurocrypt 2011), §4 eq. (10) and (12) (after Costello, Lange and Naehrig 2010).
//
// Why lines have this shape: the untwisting map ψ(x', y') = (x'·w², y'·w³) sends E' into E(Fq12) (w⁶ = ξ), so
// the line through ψ(T) with slope λ'·w, evaluated at P = (xP, yP) ∈ E(Fq), is yP − λ'·xP·w + (λ'x' − y')·w³.
// Scaled by a factor in Fq2 (which the final exponentiation removes), its coefficients at w⁰, w¹, w³ are
// a·yP, b·xP and c for the a, b, c that the steps below return.

/// The coefficients of a line function: its value at P = (xP, yP) is a·yP + b·xP·w + c·w³ ∈ Fq12.
@frozen
public struct LineCoefficients: Sendable, Equatable {
    public var a: Fq2
    public var b: Fq2
    public var c: Fq2

    @inlinable @inline(__always)
    init(_ a: Fq2, _ b: Fq2, _ c: Fq2) {
        self.a = a
        self.b = b
        self.c = c
    }
}

extension Fq12 {
    /// Multiplies by the value of a line at P = (xP, yP).
    @inlinable @inline(__always)
    func multiplied(byLine l: LineCoefficients, xP: Fq, yP: Fq) -> Fq12 {
        multiplied(by034: l.a.scaled(by: yP), l.b.scaled(by: xP), l.c)
    }

    /// The value of a line at P, as a full element.
    @inlinable @inline(__always)
    init(line l: LineCoefficients, xP: Fq, yP: Fq) {
        let zero = Fq2(.zero, .zero)
        self.init(Fq6(l.a.scaled(by: yP), zero, zero), Fq6(l.b.scaled(by: xP), l.c, zero))
    }
}

/// The running point T of the Miller loop: a point of the twist in homogeneous projective coordinates
/// (X : Y : Z) ↦ (X/Z, Y/Z). It never reaches infinity: the loop only forms multiples [k]Q with 0 < k < r.
@frozen
@usableFromInline
struct TwistPoint: Sendable {
    @usableFromInline var x: Fq2
    @usableFromInline var y: Fq2
    @usableFromInline var z: Fq2

    @inlinable @inline(__always)
    init(_ q: G2Affine) {
        x = q.x
        y = q.y
        z = Fq2(.one, .zero)
    }

    /// T ← 2T, returning the tangent at T: 3M + 6S and a multiplication by the constant 3b'.
    @inlinable
    mutating func doubleStep() -> LineCoefficients {
        let (h, j, i) = doubleStepCore()
        // The tangent 2Y'·ℓ up to sign: −2YZ·yP + 3X²·xP·w + (3b'Z² − Y²)·w³.
        return LineCoefficients(-h, j.doubled() + j, i)
    }

    /// T ← 2T, returning the tangent's value at P = (xP, yP) as its coefficients at w⁰, w¹ and w³, given
    /// −yP and 3xP (computed once per pair, which saves the negation and the tripling of every step).
    @inlinable
    mutating func doubleStep(negativeYP: Fq, threeXP: Fq) -> (Fq2, Fq2, Fq2) {
        let (h, j, i) = doubleStepCore()
        return (h.scaled(by: negativeYP), j.scaled(by: threeXP), i)
    }

    /// The doubling itself, returning 2YZ, X² and 3b'Z² − Y² for the tangent.
    @inlinable @inline(__always)
    mutating func doubleStepCore() -> (h: Fq2, j: Fq2, i: Fq2) {
        let a = (x * y).halvedForPairing()
        let b = y.squared()
        let c = z.squared()
        let e = c * PairingConstants.threeB // 3b'Z²
        let f = e.doubled() + e // 9b'Z²
        let g = (b + f).halvedForPairing()
        let h = (y + z).squared() - b - c // 2YZ
        let j = x.squared()
        let e2 = e.squared()
        x = a * (b - f)
        y = g.squared() - (e2.doubled() + e2)
        z = b * h
        return (h, j, e - b)
    }

    /// T ← T + Q for an affine Q ≠ ±T, returning the line through T and Q: 11M + 2S.
    @inlinable
    mutating func addStep(_ qx: Fq2, _ qy: Fq2) -> LineCoefficients {
        let (lambda, theta, c) = addStepCore(qx, qy)
        return LineCoefficients(lambda, -theta, c)
    }

    /// T ← T + Q, returning the line's value at P = (xP, yP) as its coefficients at w⁰, w¹ and w³, given
    /// yP and −xP.
    @inlinable
    mutating func addStep(_ qx: Fq2, _ qy: Fq2, yP: Fq, negativeXP: Fq) -> (Fq2, Fq2, Fq2) {
        let (lambda, theta, c) = addStepCore(qx, qy)
        return (lambda.scaled(by: yP), theta.scaled(by: negativeXP), c)
    }

    /// The addition itself, returning λ, θ and θ·x_Q − λ·y_Q for the line.
    @inlinable @inline(__always)
    mutating func addStepCore(_ qx: Fq2, _ qy: Fq2) -> (lambda: Fq2, theta: Fq2, c: Fq2) {
        let theta = y - qy * z
        let lambda = x - qx * z
        let c = theta.squared()
        let d = lambda.squared()
        let e = lambda * d
        let f = z * c
        let g = x * d
        let h = e + f - g.doubled()
        x = lambda * h
        y = theta * (g - h) - y * e
        z = z * e
        // λ·yP − θ·xP·w + (θ·x_Q − λ·y_Q)·w³: the chord, scaled by λ = X − x_Q·Z.
        return (lambda, theta, theta * qx - lambda * qy)
    }
}

extension Fq2 {
    /// self / 2.
    @inlinable @inline(__always)
    func halvedForPairing() -> Fq2 { Fq2(Fq.half(c0), Fq.half(c1)) }
}

/// Constants of the Miller loop, computed once from the curve's parameters.
@usableFromInline
enum PairingConstants {
    /// 3b' for the twist's b' = 3/ξ.
    @usableFromInline static let threeB: Fq2 = {
        let b = G2Parameters.b
        return b.doubled() + b
    }()

    /// The BN parameter x; the loop runs over 6x + 2.
    static let x: UInt64 = 4_965_661_367_192_848_881

    /// The non-adjacent form of 6x + 2, most significant digit first (66 digits, of which 22 are non-zero).
    @usableFromInline static let loopDigits: [Int8] = nonAdjacentForm(6 * UInt128(x) + 2, width: 2)

    /// The width-4 NAF of x, most significant digit first: digits in {0, ±1, ±3, ±5, ±7}, 14 of them non-zero.
    @usableFromInline static let xDigits: [Int8] = nonAdjacentForm(UInt128(x), width: 4)

    /// The width-w NAF of n, most significant digit first.
    static func nonAdjacentForm(_ n: UInt128, width: Int) -> [Int8] {
        var digits: [Int8] = []
        var n = n
        let modulus = UInt128(1) << width
        while n > 0 {
            var d: Int = 0
            if n & 1 == 1 {
                d = Int(n % modulus)
                if d >= Int(modulus / 2) { d -= Int(modulus) }
                n = d >= 0 ? n - UInt128(d) : n + UInt128(-d)
            }
            digits.append(Int8(d))
            n >>= 1
        }
        return digits.reversed()
    }
}
