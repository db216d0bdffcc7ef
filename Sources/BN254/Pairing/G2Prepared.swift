/// A G2 point with the line coefficients of its Miller loop computed ahead of time.
///
/// The lines of the optimal ate Miller loop depend only on the G2 argument; a verifier that pairs against the
/// same points again and again (a verification key's β, γ, δ) prepares them once and skips every doubling and
/// addition of the twist point in later pairings.
public struct G2Prepared: Sendable {
    /// The lines in the order the loop consumes them: per digit of 6x + 2 (after the first) the tangent, then
    /// the chord if the digit is non-zero; then the two chords of the Frobenius steps. Empty for infinity.
    @usableFromInline let lines: [LineCoefficients]

    /// Whether the point is the point at infinity (whose pairings are 1).
    public var isInfinity: Bool { lines.isEmpty }

    public init(_ q: G2Affine) {
        guard !q.isInfinity else {
            lines = []
            return
        }
        var lines: [LineCoefficients] = []
        lines.reserveCapacity(Self.lineCount)
        var t = TwistPoint(q)
        let negativeY = -q.y
        let digits = PairingConstants.loopDigits
        for i in 1..<digits.count {
            lines.append(t.doubleStep())
            switch digits[i] {
            case 1: lines.append(t.addStep(q.x, q.y))
            case -1: lines.append(t.addStep(q.x, negativeY))
            default: break
            }
        }
        let (q1, q2) = Pairing.frobeniusPoints(q)
        lines.append(t.addStep(q1.x, q1.y))
        lines.append(t.addStep(q2.x, q2.y))
        self.lines = lines
    }

    /// 65 tangents, 21 chords for the non-zero digits, and 2 for the Frobenius steps.
    static var lineCount: Int {
        let digits = PairingConstants.loopDigits
        return digits.count - 1 + digits.dropFirst().filter { $0 != 0 }.count + 2
    }
}
