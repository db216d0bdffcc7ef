// The final exponentiation f ↦ f^((q¹² − 1)/r), split as (q⁶ − 1)(q² + 1) · (q⁴ − q² + 1)/r.
//
// Hard part: Fuentes-Castañeda, Knapp and Rodríguez-Henríquez, "Faster hashing to G2" (SAC 2011), §5.2 (with
// the operation count of Duquesne and Ghammam, "Memory-saving computation of the pairing final exponentiation
// on BN curves", 2015). Instead of (q⁴ − q² + 1)/r it raises to the multiple
// m·(q⁴ − q² + 1)/r = λ0 + λ1·q + λ2·q² + λ3·q³ with m = 2x(6x² + 3x + 1), which is coprime to r, so the
// result is still a non-degenerate bilinear pairing (e(P, Q)^m for the textbook e), and
//   λ0 = 12x³ + 12x² + 6x + 1,  λ1 = 12x³ + 6x² + 4x,  λ2 = 12x³ + 6x² + 6x,  λ3 = 12x³ + 6x² + 4x − 1.
// All of them come from three exponentiations by x, three cyclotomic squarings and ten multiplications.

extension Pairing {
    /// Raises a Miller loop's output to (q¹² − 1)/r (times the fixed m above): the value of the pairing.
    public static func finalExponentiation(_ f: Fq12) -> Fq12 {
        // Easy part: f^(q⁶ − 1) = conj(f)/f, then ^(q² + 1). The result is in the cyclotomic subgroup, where
        // the inverse is the conjugate and squaring is cheaper.
        // The inversion is variable-time (a binary GCD, not Fermat's 2^254-power): pairing inputs are public
        // in every use of this library (proof verification), and so is the Miller loop's output.
        var m = f.conjugate() * f.inverseVariableTime()
        m = m.frobeniusSquared() * m

        // Hard part.
        let a = exponentiatedByX(m).conjugate().cyclotomicSquared() // m^(−2x)
        let b = a.cyclotomicSquared() * a // m^(−6x)
        let c = exponentiatedByX(b).conjugate() // m^(6x²)
        let d = exponentiatedByX(c.cyclotomicSquared()) // m^(12x³)
        let y2 = d * c * b.conjugate() // m^λ2
        let y1 = y2 * a // m^λ1
        let y0 = y2 * c * m // m^λ0
        let y3 = y1 * m.conjugate() // m^λ3
        return y0 * y1.frobenius() * y2.frobeniusSquared() * y3.frobeniusCubed()
    }

    /// m^x for m in the cyclotomic subgroup and the BN parameter x, by the width-4 NAF of x:
    /// 62 cyclotomic squarings and 16 multiplications (3 of them for the table m, m³, m⁵, m⁷).
    @inlinable
    static func exponentiatedByX(_ m: Fq12) -> Fq12 {
        let m2 = m.cyclotomicSquared()
        let m3 = m2 * m
        let m5 = m3 * m2
        let m7 = m5 * m2
        let digits = PairingConstants.xDigits
        @inline(__always)
        func power(_ digit: Int8) -> Fq12 {
            switch digit {
            case 1: return m
            case -1: return m.conjugate()
            case 3: return m3
            case -3: return m3.conjugate()
            case 5: return m5
            case -5: return m5.conjugate()
            case 7: return m7
            default: return m7.conjugate()
            }
        }
        var result = power(digits[0])
        for i in 1..<digits.count {
            result = result.cyclotomicSquared()
            let digit = digits[i]
            if digit != 0 { result = result * power(digit) }
        }
        return result
    }
}
