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
    /// The non-zero entries of A and B.
    public var coefficients: [MatrixCoefficient]
    /// [A_i(τ)]₁ for every wire.
    public var a: [G1Affine]
    /// [B_i(τ)]₁ for every wire.
    public var b1: [G1Affine]
    /// [B_i(τ)]₂ for every wire.
    public var b2: [G2Affine]
    /// [(β·A_i(τ) + α·B_i(τ) + C_i(τ))/δ]₁ for the private wires only (index 0 is wire nPublic + 1).
    public var c: [G1Affine]
    /// [L_{2i+1}(τ)/δ]₁ for i < domainSize: the odd-index Lagrange basis of the 2n-domain, divided by δ.
    public var h: [G1Affine]

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
        self.coefficients = coefficients
        self.a = a
        self.b1 = b1
        self.b2 = b2
        self.c = c
        self.h = h
    }

    /// The verification key that goes with this proving key.
    public var verificationKey: VerificationKey {
        VerificationKey(alpha1: alpha1, beta2: beta2, gamma2: gamma2, delta2: delta2, ic: ic)
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
        guard a.count == nVars, b1.count == nVars, b2.count == nVars else {
            throw .inconsistentKey("A/B1/B2 have \(a.count)/\(b1.count)/\(b2.count) points for \(nVars) wires")
        }
        guard c.count == nVars - nPublic - 1 else {
            throw .inconsistentKey("\(c.count) C points for \(nVars - nPublic - 1) private wires")
        }
        guard h.count == domainSize else { throw .inconsistentKey("\(h.count) H points for domain size \(domainSize)") }
        for k in coefficients {
            guard Int(k.constraint) < domainSize, Int(k.signal) < nVars else {
                throw .inconsistentKey(
                    "coefficient at row \(k.constraint), wire \(k.signal) is outside the domain or the wires")
            }
        }
    }
}
