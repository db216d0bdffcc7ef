import Foundation
import ProverNetCore

/// FOR TESTING THE GATEWAY ONLY. Ways in which a prover can cheat, so that tests can show that the gateway
/// refuses what it must refuse. An honest node never sets one; the command line hides the flag. The proof
/// system of the job makes the bad proof or the other input (`ProofSystem.tampered`, `otherInput`).
public enum Misbehavior: String, Sendable, CaseIterable {
    /// Send a proof that decodes but does not verify (for Groth16: A replaced by A + G; for an aggregate:
    /// its last byte changed).
    case wrongProof = "wrong-proof"
    /// Prove a different input than the one asked (for Groth16: x + 1 for a synthetic circuit, the first
    /// number in the input JSON plus 1 for a circom circuit). The proof verifies, but proves another
    /// statement.
    case otherInput = "other-input"
    /// Fail every job of a circom circuit, as a node whose witness does not fit the circuit's key would, and
    /// prove every other job honestly: a request that no prover can serve beside one that any can.
    case failCircom = "fail-circom"
    /// On every job with a declared statement, report a statement mismatch with public signals that are not
    /// its input's (its own signals with the first one changed), whether or not the declaration was true.
    case lieStatement = "lie-statement"

    /// Why this prover fails a job it could prove, if it does.
    func refusal(kind: CircuitKind?) -> String? {
        guard self == .failCircom, kind == .circom else { return nil }
        return "TESTING ONLY: this prover fails every circom job"
    }

    /// The input this prover actually proves.
    func input(_ json: String, kind: CircuitKind?, system: any ProofSystem) -> String {
        guard self == .otherInput, let kind else { return json }
        return system.otherInput(json, circuitKind: kind) ?? json
    }

    /// The public signals this prover reports in a statement mismatch instead of `signals` (its own); nil:
    /// it reports none, beyond honest ones.
    func mismatchSignals(_ signals: [String]) -> [String]? {
        guard self == .lieStatement, let first = signals.first else { return nil }
        return [first == "1" ? "2" : "1"] + signals.dropFirst()
    }

    /// The result this prover actually sends.
    func payload(_ payload: ProofPayload, system: any ProofSystem) -> ProofPayload {
        guard self == .wrongProof else { return payload }
        return system.tampered(payload) ?? payload
    }
}
