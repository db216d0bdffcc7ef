import BN254

/// Synthetic circuits of any size, with a satisfying witness computed natively (no wasm), for tests and
/// benchmarks.
///
/// The circuit is a multiplicative chain over two private inputs x, y with one public output:
/// z₀ = x, z₁ = y, z_{k+2} = (z_k + k)·z_{k+1} for k < N − 1, and out = z_N·1. Its witness values are
/// full-size field elements, so MSMs over it cost what they cost on real circuits' worst case.
/// Wires: 0 = one, 1 = out (public), 2 = x, 3 = y (private inputs), 4… = z₂…z_N.
public enum SyntheticCircuit {
    /// A circuit with exactly `constraints` constraints (at least 1) and its witness for inputs x, y.
    public static func make(constraints: Int, x: Fr = Fr(3), y: Fr = Fr(11)) -> (r1cs: R1CS, witness: [Fr]) {
        let n = max(1, constraints)
        // wire index of z_k
        func z(_ k: Int) -> UInt32 { k == 0 ? 2 : k == 1 ? 3 : UInt32(k + 2) }
        let nWires = 4 + max(0, n - 1)
        var witness = [Fr](repeating: .zero, count: nWires)
        witness[0] = .one
        witness[2] = x
        witness[3] = y
        var list: [Constraint] = []
        list.reserveCapacity(n)
        for k in 0..<(n - 1) {
            let value = (witness[Int(z(k))] + Fr(UInt64(k))) * witness[Int(z(k + 1))]
            witness[Int(z(k + 2))] = value
            var a = LinearCombination([(wire: z(k), coefficient: .one)])
            if k > 0 { a.terms.append((wire: 0, coefficient: Fr(UInt64(k)))) }
            list.append(
                Constraint(
                    a: a, b: LinearCombination([(wire: z(k + 1), coefficient: .one)]),
                    c: LinearCombination([(wire: z(k + 2), coefficient: .one)])))
        }
        let last = n == 1 ? z(1) : z(n)
        witness[1] = witness[Int(last)]
        list.append(
            Constraint(
                a: LinearCombination([(wire: last, coefficient: .one)]),
                b: LinearCombination([(wire: 0, coefficient: .one)]),
                c: LinearCombination([(wire: 1, coefficient: .one)])))
        let r1cs = R1CS(
            nWires: nWires, nPublicOutputs: 1, nPublicInputs: 0, nPrivateInputs: 2, nLabels: nWires,
            constraints: list, wireToLabel: (0..<nWires).map { UInt64($0) })
        return (r1cs, witness)
    }

    /// The witness of the circuit with `constraints` constraints for inputs x, y, computed without building
    /// its constraints (what a prover needs; `make` builds both).
    public static func witness(constraints: Int, x: Fr, y: Fr) -> [Fr] {
        let n = max(1, constraints)
        var witness = [Fr](repeating: .zero, count: 4 + max(0, n - 1))
        witness[0] = .one
        witness[2] = x
        witness[3] = y
        // z_k lives at wire 2 for k = 0, 3 for k = 1, k + 2 otherwise.
        var previous = x
        var current = y
        for k in 0..<(n - 1) {
            let next = (previous + Fr(UInt64(k))) * current
            witness[k + 4] = next
            previous = current
            current = next
        }
        witness[1] = current
        return witness
    }
}
