import BN254

/// The pairing's target group GT, the order-r subgroup of Fq12*: membership, compression to half size, and
/// exponentiation. Every element that a prover sends lies in GT; the decoder checks it.
public enum TargetGroup {
    /// The BN parameter x (positive for BN254): q = 36x⁴ + 36x³ + 24x² + 6x + 1, r = q − 6x².
    static let bnX: UInt64 = 4_965_661_367_192_848_881

    // MARK: Membership

    /// Whether f is in the cyclotomic subgroup GΦ₁₂(q), of order q⁴ − q² + 1 = Φ₁₂(q): f^(q⁴)·f = f^(q²).
    /// Three Frobenius maps and one multiplication.
    public static func isCyclotomic(_ f: Fq12) -> Bool {
        let q2 = f.frobeniusSquared()
        return q2.frobeniusSquared() * f == q2
    }

    /// Whether f is in GT. For f in the cyclotomic subgroup, f^q = f^(6x²) ⟺ f^(q − 6x²) = f^r = 1, since
    /// r = q − 6x² for BN curves (trace t = 6x² + 1): the test of gnark-crypto's `E12.IsInSubGroup`, which is
    /// exact, not probabilistic. Cost: two exponentiations by x with cyclotomic squarings (about 130 µs).
    public static func contains(_ f: Fq12) -> Bool {
        guard !f.isZero, isCyclotomic(f) else { return false }
        let fx2 = powerOfX(powerOfX(f)) // f^(x²)
        let f2x2 = fx2.cyclotomicSquared() // f^(2x²)
        let f6x2 = f2x2.cyclotomicSquared() * f2x2 // f^(6x²)
        return f.frobenius() == f6x2
    }

    /// f^x for f in the cyclotomic subgroup, by binary square-and-multiply on x (63 bits).
    static func powerOfX(_ f: Fq12) -> Fq12 {
        var result = f
        for bit in stride(from: 61, through: 0, by: -1) {
            result = result.cyclotomicSquared()
            if (bnX >> UInt64(bit)) & 1 == 1 { result = result * f }
        }
        return result
    }

    // MARK: Compression

    /// The 192-byte compressed encoding: a unitary f = c0 + c1·w ≠ ±1 (f·f̄ = 1, which every element of GT
    /// is) is g = (1 + c0)/c1 ∈ Fq6, and f = (g + w)/(g − w) (the torus T₂(Fq6); Rubin and Silverberg,
    /// "Torus-based cryptography", CRYPTO 2003; gnark-crypto's `CompressTorus`). g is written as its six
    /// Fq coefficients, 32 bytes big-endian each, in the order c0.c0, c0.c1, c1.c0, c1.c1, c2.c0, c2.c1.
    /// The identity, which has c1 = 0, is written with the flag 0x40 in the first byte and zeros elsewhere
    /// (no coordinate below q sets that bit). −1 is not in GT and has no encoding.
    public static func compressed(_ f: Fq12) -> [UInt8] {
        if f.c1.isZero {
            var out = [UInt8](repeating: 0, count: encodedSize)
            out[0] = identityFlag
            return out
        }
        let g = (f.c0 + .one) * f.c1.inverse()
        var out: [UInt8] = []
        out.reserveCapacity(encodedSize)
        for c in [g.c0, g.c1, g.c2] { out += c.c0.bigEndianBytes + c.c1.bigEndianBytes }
        return out
    }

    /// Decodes 192 bytes: every coordinate must be below q, and the element must be in GT.
    public static func decompress(_ bytes: ArraySlice<UInt8>, what: String) throws(SnarkPackError) -> Fq12 {
        guard bytes.count == encodedSize else {
            throw .point(
                what: what,
                error: .invalidLength(what: "compressed GT element", expected: encodedSize, actual: bytes.count))
        }
        let s = bytes.startIndex
        if bytes[s] == identityFlag {
            guard bytes.dropFirst().allSatisfy({ $0 == 0 }) else {
                throw .point(what: what, error: .malformed("GT identity flag with non-zero bytes"))
            }
            return .one
        }
        var c: [Fq] = []
        do {
            for i in 0..<6 { c.append(try Fq(bigEndian: bytes[s + 32 * i..<s + 32 * i + 32])) }
        } catch {
            throw .point(what: what, error: error)
        }
        let g = Fq6(Fq2(c[0], c[1]), Fq2(c[2], c[3]), Fq2(c[4], c[5]))
        // (g + w)/(g − w) = (g + w)²/(g² − v) = (g² + v + 2g·w)/(g² − v); g² − v ≠ 0 since v is not a square in Fq6.
        let v = Fq6(.zero, .one, .zero)
        let g2 = g.squared()
        let d = (g2 - v).inverse()
        let f = Fq12((g2 + v) * d, g.doubled() * d)
        guard contains(f) else { throw .notInTargetGroup(what: what) }
        return f
    }

    public static let encodedSize = 192
    static let identityFlag: UInt8 = 0x40

    // MARK: Exponentiation

    /// f^k for f in GT (cyclotomic squarings, width-4 windows).
    public static func power(_ f: Fq12, _ k: Fr) -> Fq12 {
        multiPower([f], [k])
    }

    /// Πᵢ fᵢ^kᵢ for fᵢ in GT, with shared squarings (Straus's method on width-5 signed digits; in GT the
    /// inverse is the conjugate, so negative digits cost nothing): about 254 cyclotomic squarings in all, and
    /// per element 8 multiplications for its table of odd powers and one per non-zero digit (about 43).
    public static func multiPower(_ elements: [Fq12], _ exponents: [Fr]) -> Fq12 {
        let n = min(elements.count, exponents.count)
        if n == 0 { return .one }
        var tables: [[Fq12]] = []
        tables.reserveCapacity(n)
        for i in 0..<n {
            let f = elements[i]
            let f2 = f.cyclotomicSquared()
            var row = [f]
            for j in 1..<8 { row.append(row[j - 1] * f2) } // f^(2j+1)
            tables.append(row)
        }
        let digits = exponents.prefix(n).map { SignedScalar($0).digits }
        let length = digits.map(\.count).max() ?? 0
        var acc = Fq12.one
        var started = false
        for position in stride(from: length - 1, through: 0, by: -1) {
            if started { acc = acc.cyclotomicSquared() }
            for i in 0..<n where position < digits[i].count {
                let d = Int(digits[i][position])
                if d == 0 { continue }
                let term = d > 0 ? tables[i][d >> 1] : tables[i][(-d) >> 1].conjugate()
                acc = started ? acc * term : term
                started = true
            }
        }
        return acc
    }
}
