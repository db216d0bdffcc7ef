import Foundation
import ProofSystems
import ProverNetClient
import ProverNetCore

/// The statements a client declares with its inputs (`ProverNetClient.submit(…, declaredStatements:)`),
/// computed on the client's side with the code the gateway runs when none is declared (`Groth16Circuit`: the
/// circom witness generator that `provernet wtns calculate` runs, or the synthetic circuit's witness).
public enum DeclaredStatements {
    /// Each input's public signals, as decimal strings, in input order.
    ///
    /// - Parameters:
    ///   - kind: the circuit's kind (`circom` or `synthetic`).
    ///   - constraints: a synthetic circuit's constraints (ignored for circom).
    ///   - wasm: a circom circuit's witness generator.
    ///   - verificationKeyJSON: the circuit's verification key (snarkjs JSON), which says how many public
    ///     signals there are.
    /// - Throws: `ProverNetError.invalidCircuit` for a key or wasm that cannot be read, `.invalidInput`
    ///   naming the input whose witness cannot be computed.
    public static func publicSignals(
        of inputs: [String], kind: CircuitKind, constraints: UInt64 = 0, wasm: URL? = nil, verificationKeyJSON: String
    ) throws(ProverNetError) -> [[String]] {
        let circuit = try Groth16Circuit(
            kind: kind, constraints: constraints, wasm: wasm, verificationKeyJSON: verificationKeyJSON)
        var statements: [[String]] = []
        statements.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            statements.append(try circuit.publicSignals(inputJSON: input, index: index).map(\.decimal))
        }
        return statements
    }
}
