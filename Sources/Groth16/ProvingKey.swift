import BN254

/// One non-zero entry of the A or B matrix as a .zkey stores it (section 4): C is implied, C_k = A_k·B_k.
public struct MatrixCoefficient: Sendable, Equatable {
    public enum Matrix: UInt32, Sendable {
        case a = 0
        case b = 1
    }
    public var matrix: Matrix
    /// The row: a constraint index, or nConstraints + s for the extra rows that bind public signal s.
    public var constraint: UInt32
    /// The wire whose witness value the coefficient multiplies.
    public var signal: UInt32
    public var value: Fr

    public init(matrix: Matrix, constraint: UInt32, signal: UInt32, value: Fr) {
        self.matrix = matrix
        self.constraint = constraint
        self.signal = signal
        self.value = value
    }
}

/// A Groth16 proving key in the layout of a snarkjs .zkey (FORMATS.md): the query points per wire, the
/// matrix coefficients and the H points on the odd coset of the 2n-domain.
///
/// The large sections (the coefficients and the A, B1, B2, C, H points) are held either decoded, in arrays, or
/// in their .zkey encoding in memory that a loader owns (`EncodedProvingKeySections`: the pages of a mapped
/// file, which the prover reads in place and lets go after each phase). The properties below read the same in
/// both cases; on an encoded key each read of a section decodes it, and setting one decodes them all first.
public struct ProvingKey: Sendable {
    /// The number of wires (witness values), the constant one included.
    public var nVars: Int
    /// The number of public signals, without the constant one.
    public var nPublic: Int
    /// The NTT domain size n, a power of two at least the number of constraint rows (extra rows included).
    public var domainSize: Int
    public var alpha1: G1Affine
    public var beta1: G1Affine
    public var beta2: G2Affine
    public var gamma2: G2Affine
    public var delta1: G1Affine
    public var delta2: G2Affine
    /// The public inputs' commitments, nPublic + 1 points.
    public var ic: [G1Affine]
    /// The large sections still in their .zkey encoding, or nil when they are decoded.
    public private(set) var encoded: EncodedProvingKeySections?
    var decodedCoefficients: [MatrixCoefficient]
    var decodedA: [G1Affine]
    var decodedB1: [G1Affine]
    var decodedB2: [G2Affine]
    var decodedC: [G1Affine]
    var decodedH: [G1Affine]

    /// The non-zero entries of A and B.
    public var coefficients: [MatrixCoefficient] {
        get { encoded?.decodedCoefficients() ?? decodedCoefficients }
        set {
            decode()
            decodedCoefficients = newValue
        }
    }
    /// [A_i(τ)]₁ for every wire.
    public var a: [G1Affine] {
        get { encoded.map { EncodedProvingKeySections.decodedG1($0.a) } ?? decodedA }
        set {
            decode()
            decodedA = newValue
        }
    }
    /// [B_i(τ)]₁ for every wire.
    public var b1: [G1Affine] {
        get { encoded.map { EncodedProvingKeySections.decodedG1($0.b1) } ?? decodedB1 }
        set {
            decode()
            decodedB1 = newValue
        }
    }
    /// [B_i(τ)]₂ for every wire.
    public var b2: [G2Affine] {
        get { encoded.map { EncodedProvingKeySections.decodedG2($0.b2) } ?? decodedB2 }
        set {
            decode()
            decodedB2 = newValue
        }
    }
    /// [(β·A_i(τ) + α·B_i(τ) + C_i(τ))/δ]₁ for the private wires only (index 0 is wire nPublic + 1).
    public var c: [G1Affine] {
        get { encoded.map { EncodedProvingKeySections.decodedG1($0.c) } ?? decodedC }
        set {
            decode()
            decodedC = newValue
        }
    }
    /// [L_{2i+1}(τ)/δ]₁ for i < domainSize: the odd-index Lagrange basis of the 2n-domain, divided by δ.
    public var h: [G1Affine] {
        get { encoded.map { EncodedProvingKeySections.decodedG1($0.h) } ?? decodedH }
        set {
            decode()
            decodedH = newValue
        }
    }

    public init(
        nVars: Int, nPublic: Int, domainSize: Int, alpha1: G1Affine, beta1: G1Affine, beta2: G2Affine,
        gamma2: G2Affine, delta1: G1Affine, delta2: G2Affine, ic: [G1Affine], coefficients: [MatrixCoefficient],
        a: [G1Affine], b1: [G1Affine], b2: [G2Affine], c: [G1Affine], h: [G1Affine]
    ) {
        self.nVars = nVars
        self.nPublic = nPublic
        self.domainSize = domainSize
        self.alpha1 = alpha1
        self.beta1 = beta1
        self.beta2 = beta2
        self.gamma2 = gamma2
        self.delta1 = delta1
        self.delta2 = delta2
        self.ic = ic
        self.decodedCoefficients = coefficients
        self.decodedA = a
        self.decodedB1 = b1
        self.decodedB2 = b2
        self.decodedC = c
        self.decodedH = h
    }

    /// A key whose large sections stay in their .zkey encoding (a loader that has checked them hands them over).
    public init(
        nVars: Int, nPublic: Int, domainSize: Int, alpha1: G1Affine, beta1: G1Affine, beta2: G2Affine,
        gamma2: G2Affine, delta1: G1Affine, delta2: G2Affine, ic: [G1Affine], encoded: EncodedProvingKeySections
    ) {
        self.init(
            nVars: nVars, nPublic: nPublic, domainSize: domainSize, alpha1: alpha1, beta1: beta1, beta2: beta2,
            gamma2: gamma2, delta1: delta1, delta2: delta2, ic: ic, coefficients: [], a: [], b1: [], b2: [], c: [],
            h: [])
        self.encoded = encoded
    }

    /// Decodes the encoded sections into arrays (nothing when they are decoded already).
    public mutating func decode() {
        guard let encoded else { return }
        decodedCoefficients = encoded.decodedCoefficients()
        decodedA = EncodedProvingKeySections.decodedG1(encoded.a)
        decodedB1 = EncodedProvingKeySections.decodedG1(encoded.b1)
        decodedB2 = EncodedProvingKeySections.decodedG2(encoded.b2)
        decodedC = EncodedProvingKeySections.decodedG1(encoded.c)
        decodedH = EncodedProvingKeySections.decodedG1(encoded.h)
        self.encoded = nil
    }

    /// The number of coefficients, without decoding them.
    public var coefficientCount: Int { encoded?.coefficientCount ?? decodedCoefficients.count }

    /// The verification key that goes with this proving key.
    public var verificationKey: VerificationKey {
        VerificationKey(alpha1: alpha1, beta2: beta2, gamma2: gamma2, delta2: delta2, ic: ic)
    }

    /// The counts of the A, B1, B2, C and H sections, without decoding them.
    var pointCounts: (a: Int, b1: Int, b2: Int, c: Int, h: Int) {
        if let encoded {
            return (
                encoded.a.count / 64, encoded.b1.count / 64, encoded.b2.count / 128, encoded.c.count / 64,
                encoded.h.count / 64
            )
        }
        return (decodedA.count, decodedB1.count, decodedB2.count, decodedC.count, decodedH.count)
    }

    /// Checks the counts against each other; a loader calls it before anyone proves with the key.
    public func validate() throws(Groth16Error) {
        guard domainSize > 0, domainSize & (domainSize - 1) == 0 else {
            throw .inconsistentKey("domain size \(domainSize) is not a power of two")
        }
        guard nPublic >= 0, nPublic < nVars else { throw .inconsistentKey("nPublic \(nPublic) with nVars \(nVars)") }
        guard ic.count == nPublic + 1 else {
            throw .inconsistentKey("\(ic.count) IC points for \(nPublic) public signals")
        }
        let counts = pointCounts
        guard counts.a == nVars, counts.b1 == nVars, counts.b2 == nVars else {
            throw .inconsistentKey("A/B1/B2 have \(counts.a)/\(counts.b1)/\(counts.b2) points for \(nVars) wires")
        }
        guard counts.c == nVars - nPublic - 1 else {
            throw .inconsistentKey("\(counts.c) C points for \(nVars - nPublic - 1) private wires")
        }
        guard counts.h == domainSize else {
            throw .inconsistentKey("\(counts.h) H points for domain size \(domainSize)")
        }
        if let encoded {
            guard encoded.coefficients.count == encoded.coefficientCount * EncodedProvingKeySections.coefficientSize
            else { throw .inconsistentKey("the coefficient bytes do not hold \(encoded.coefficientCount) entries") }
            // The loader that encoded the key checked each entry's row and wire.
            return
        }
        for k in decodedCoefficients {
            guard Int(k.constraint) < domainSize, Int(k.signal) < nVars else {
                throw .inconsistentKey(
                    "coefficient at row \(k.constraint), wire \(k.signal) is outside the domain or the wires")
            }
        }
    }
}
