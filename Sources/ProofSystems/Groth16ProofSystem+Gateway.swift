import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore

extension Groth16ProofSystem {
    public func uploadedArtifacts(for kind: CircuitKind) -> [ArtifactRole] {
        kind == .circom ? [.wasm, .zkey] : []
    }

    /// Reads a circuit being registered. A synthetic circuit gets a development key (UNSAFE: made here,
    /// its toxic waste not destroyed by a ceremony). A circom circuit's zkey is read fully (every point on
    /// its curve, the verification key's points in their subgroups) and its wasm loaded, and the two must
    /// belong together: the generator's witness has one value per wire of the key.
    public func define(_ registration: CircuitRegistration) throws(ProverNetError) -> CircuitDefinition {
        switch registration.kind {
        case .synthetic:
            let constraints = registration.constraints
            guard constraints >= 1, constraints <= registration.limits.maxSyntheticConstraints else {
                throw .invalidCircuit(
                    reason:
                        "a synthetic circuit has 1 to \(registration.limits.maxSyntheticConstraints) constraints, not \(constraints)"
                )
            }
            let key: ProvingKey
            do {
                key = try Self.syntheticProvingKey(constraints: constraints)
            } catch {
                throw .invalidCircuit(reason: "cannot make the development key: \(error)")
            }
            return CircuitDefinition(
                constraints: constraints, domainSize: UInt64(key.domainSize), publicSignals: key.nPublic,
                verificationKeyJSON: String(decoding: key.verificationKey.snarkjsJSON, as: UTF8.self),
                madeArtifacts: [.zkey: ZKeyFile(provingKey: key).encoded()],
                facts: ["wires": "\(key.nVars)", "domain_size": "\(key.domainSize)"])
        case .circom:
            guard let zkeyURL = registration.files[.zkey], let wasmURL = registration.files[.wasm] else {
                throw .invalidCircuit(reason: "a circom circuit is a wasm and a zkey")
            }
            let key: ProvingKey
            do {
                key = try ZKeyFile(contentsOf: zkeyURL, options: .prover).provingKey
            } catch {
                throw .invalidCircuit(reason: "zkey: \(error)")
            }
            let verificationKeyJSON = String(decoding: key.verificationKey.snarkjsJSON, as: UTF8.self)
            // Reading the key back from JSON applies every check a verifier applies (subgroups included).
            let circuit = try Groth16Circuit(
                kind: .circom, constraints: UInt64(key.domainSize), wasm: wasmURL,
                verificationKeyJSON: verificationKeyJSON)
            if case .circom(let calculator) = circuit.witnesses, calculator.witnessCount != key.nVars {
                throw .invalidCircuit(
                    reason:
                        "the wasm and the zkey are of different circuits: the wasm's witness has \(calculator.witnessCount) values, the zkey's circuit \(key.nVars) wires"
                )
            }
            let constraints = Self.constraintCount(key)
            return CircuitDefinition(
                constraints: constraints, domainSize: UInt64(key.domainSize), publicSignals: key.nPublic,
                verificationKeyJSON: verificationKeyJSON,
                facts: ["wires": "\(key.nVars)", "domain_size": "\(key.domainSize)"])
        default:
            throw .invalidCircuit(reason: "\(Self.name) proves circom and synthetic circuits, not \(registration.kind)")
        }
    }

    /// The constraints of a key's circuit: its A/B rows are the constraints, then one row per public signal
    /// and the constant (snarkjs's extra rows).
    static func constraintCount(_ key: ProvingKey) -> UInt64 {
        guard let last = key.coefficients.map(\.constraint).max() else { return 0 }
        return UInt64(max(0, Int(last) + 1 - (key.nPublic + 1)))
    }

    public func load(_ circuit: CircuitDescriptor, files: [ArtifactRole: URL]) throws(ProverNetError)
        -> any LoadedCircuit
    {
        try Groth16Circuit(
            kind: circuit.kind, constraints: circuit.constraints, wasm: files[.wasm],
            verificationKeyJSON: circuit.verificationKeyJSON)
    }
}

extension Groth16Circuit: LoadedCircuit {
    /// The statement of an input: its public signals, as a JSON array of decimal strings.
    public func statement(inputJSON: String, index: Int?) throws(ProverNetError) -> String {
        let signals = try publicSignals(inputJSON: inputJSON, index: index)
        return Self.statementJSON(signals)
    }

    /// A declared statement: exactly the circuit's public signals, each a decimal number below r (the
    /// scalar field's modulus), written back canonically (leading zeros dropped).
    public func declaredStatement(_ signals: [String], index: Int) throws(ProverNetError) -> String {
        guard signals.count == publicSignals else {
            throw .invalidInput(
                index: index,
                reason: "declared \(signals.count) public signals; the circuit has \(publicSignals)")
        }
        var values: [Fr] = []
        values.reserveCapacity(signals.count)
        for (position, text) in signals.enumerated() {
            guard !text.isEmpty, text.utf8.count <= 80, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw .invalidInput(
                    index: index,
                    reason: "declared public signal \(position) '\(text.prefix(80))' is not a decimal number")
            }
            do {
                values.append(try Fr(string: text))
            } catch {
                throw .invalidInput(
                    index: index,
                    reason: "declared public signal \(position) \(text) is not below the scalar field's modulus r")
            }
        }
        return Self.statementJSON(values)
    }

    public func verify(_ proof: ProofPayload, statement: String) throws(ProverNetError) {
        guard let proofJSON = proof.proofJSON, let publicJSON = proof.publicJSON else {
            throw .invalidProof(reason: "a proof and its public signals are required")
        }
        try check(proofJSON: proofJSON, publicJSON: publicJSON, expected: try Self.signals(statement))
    }

    /// Checks each proof's form and statement, then verifies the well-formed ones in one batch (one Miller
    /// loop each and one final exponentiation); if the batch fails, each is verified alone to find which.
    public func verifyBatch(_ items: [(proof: ProofPayload, statement: String)]) -> [ProverNetError?] {
        var verdicts = [ProverNetError?](repeating: nil, count: items.count)
        var batch: [(index: Int, publicSignals: [Fr], proof: Proof)] = []
        for (index, item) in items.enumerated() {
            do {
                guard let proofJSON = item.proof.proofJSON, let publicJSON = item.proof.publicJSON else {
                    throw ProverNetError.invalidProof(reason: "a proof and its public signals are required")
                }
                let (proof, signals) = try Self.decode(proofJSON: proofJSON, publicJSON: publicJSON)
                let expected = try Self.signals(item.statement)
                guard signals == expected else {
                    throw ProverNetError.invalidProof(reason: "its public signals are not those of its statement")
                }
                batch.append((index, signals, proof))
            } catch {
                verdicts[index] = error as? ProverNetError ?? .invalidProof(reason: "\(error)")
            }
        }
        let valid = (try? Verifier.batchVerify(key: verificationKey, items: batch.map { ($0.publicSignals, $0.proof) }))
        if valid == true { return verdicts }
        for item in batch {
            do {
                try verify(items[item.index].proof, statement: items[item.index].statement)
            } catch {
                verdicts[item.index] = error
            }
        }
        return verdicts
    }

    static func decode(proofJSON: String, publicJSON: String) throws(ProverNetError) -> (Proof, [Fr]) {
        do {
            return (try Proof(snarkjsJSON: Data(proofJSON.utf8)), try PublicSignals.decode(Data(publicJSON.utf8)))
        } catch {
            throw .invalidProof(reason: "\(error)")
        }
    }

    /// Public signals as a statement: a JSON array of decimal strings.
    static func statementJSON(_ signals: [Fr]) -> String {
        let text = signals.map { "\"\($0.decimal)\"" }.joined(separator: ",")
        return "[\(text)]"
    }

    /// A statement's public signals.
    static func signals(_ statement: String) throws(ProverNetError) -> [Fr] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(statement.utf8)).map { try Fr(string: $0) }
        } catch {
            throw .invalidProof(reason: "the job's statement is not a list of field elements: \(error)")
        }
    }
}
