import BN254

/// A linear combination Σ coefficient·w[wire].
public struct LinearCombination: Sendable, Equatable {
    public var terms: [(wire: UInt32, coefficient: Fr)]

    public init(_ terms: [(wire: UInt32, coefficient: Fr)] = []) { self.terms = terms }

    /// Evaluates the combination on a witness (the caller has checked the wires are in range).
    @inlinable
    public func evaluate(_ witness: [Fr]) -> Fr {
        var sum = Fr.zero
        for t in terms { sum += t.coefficient * witness[Int(t.wire)] }
        return sum
    }

    public static func == (l: Self, r: Self) -> Bool {
        l.terms.count == r.terms.count
            && zip(l.terms, r.terms).allSatisfy { $0.wire == $1.wire && $0.coefficient == $1.coefficient }
    }
}

/// One rank-1 constraint A·B = C.
public struct Constraint: Sendable, Equatable {
    public var a: LinearCombination
    public var b: LinearCombination
    public var c: LinearCombination

    public init(a: LinearCombination, b: LinearCombination, c: LinearCombination) {
        self.a = a
        self.b = b
        self.c = c
    }
}

/// A rank-1 constraint system as circom writes it: wire 0 is the constant one, then the public outputs,
/// the public inputs, the private inputs and the internal wires.
public struct R1CS: Sendable, Equatable {
    public var nWires: Int
    public var nPublicOutputs: Int
    public var nPublicInputs: Int
    public var nPrivateInputs: Int
    public var nLabels: Int
    public var constraints: [Constraint]
    /// wire → label (section 3 of .r1cs); empty when absent.
    public var wireToLabel: [UInt64]

    public init(
        nWires: Int, nPublicOutputs: Int, nPublicInputs: Int, nPrivateInputs: Int, nLabels: Int,
        constraints: [Constraint], wireToLabel: [UInt64] = []
    ) {
        self.nWires = nWires
        self.nPublicOutputs = nPublicOutputs
        self.nPublicInputs = nPublicInputs
        self.nPrivateInputs = nPrivateInputs
        self.nLabels = nLabels
        self.constraints = constraints
        self.wireToLabel = wireToLabel
    }

    /// Outputs and public inputs: the public signals of a proof.
    public var nPublic: Int { nPublicOutputs + nPublicInputs }

    /// Checks a witness against every constraint and names the first one it breaks.
    public func check(witness: [Fr]) throws(Groth16Error) {
        guard witness.count == nWires else { throw .witnessLength(expected: nWires, actual: witness.count) }
        guard witness.first == .one else { throw .constantWireNotOne(witness.first?.decimal ?? "nothing") }
        for (i, constraint) in constraints.enumerated() {
            for lc in [constraint.a, constraint.b, constraint.c] {
                if let bad = lc.terms.first(where: { Int($0.wire) >= nWires }) {
                    throw .wireOutOfRange(constraint: i, wire: Int(bad.wire), wires: nWires)
                }
            }
            if constraint.a.evaluate(witness) * constraint.b.evaluate(witness) != constraint.c.evaluate(witness) {
                throw .constraintNotSatisfied(constraint: i)
            }
        }
    }
}
