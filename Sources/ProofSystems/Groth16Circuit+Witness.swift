import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore

extension Groth16Circuit.Witnesses {
    /// The witness for one job's input JSON, without the circuit's verification key: what a prover needs,
    /// which is sent only the proving key (and the wasm of a circom circuit).
    public func witness(inputJSON: String, index: Int? = nil) throws(ProverNetError) -> [Fr] {
        switch self {
        case .circom(let calculator):
            do {
                return try calculator.calculate(inputJSON: Data(inputJSON.utf8))
            } catch {
                throw .invalidInput(index: index, reason: "\(error)")
            }
        case .synthetic(let constraints):
            let (x, y) = try Groth16Circuit.syntheticInput(inputJSON, index: index)
            return SyntheticCircuit.witness(constraints: constraints, x: x, y: y)
        }
    }
}
