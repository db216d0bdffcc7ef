import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore

/// Groth16 over BN254 in the circom/snarkjs formats: circom circuits (a wasm witness generator and a
/// zkey) and synthetic ones (a development key the gateway makes). A class, because a worker process keeps
/// the last circuit's proving key and witness generator in it between jobs.
public final class Groth16ProofSystem: CircuitProofSystem, @unchecked Sendable {
    public static let name = "groth16-bn254"
    public static let jobKind = "groth16.prove"

    public var name: String { Self.name }
    public var jobKind: String { Self.jobKind }
    public var circuitKinds: [CircuitKind] { [.circom, .synthetic] }

    /// What the prover side keeps between jobs; `lock` makes one job at a time use it (a worker process
    /// proves one job at a time anyway).
    let lock = NSLock()
    var cache = ProverCache()

    public init() {}

    /// A proof is dominated by MSMs of n points and NTTs of n·log n: n·log₂n scaled so 2^12 is one unit.
    public static func workUnits(domainSize: UInt64) -> Double {
        let n = Double(max(domainSize, 2))
        return n * log2(n) / (4096 * 12)
    }

    public func workUnits(size: UInt64) -> Double { Self.workUnits(domainSize: size) }

    /// A development proving key for the synthetic circuit of `constraints` constraints: the circuit, its
    /// zkey bytes and its verification key. UNSAFE: the setup's toxic waste is not destroyed by a
    /// ceremony; it is for demos and benchmarks.
    public static func syntheticKey(constraints: UInt64) throws -> (
        zkey: [UInt8], verificationKey: VerificationKey, domainSize: UInt64
    ) {
        let key = try syntheticProvingKey(constraints: constraints)
        return (ZKeyFile(provingKey: key).encoded(), key.verificationKey, UInt64(key.domainSize))
    }

    /// The development proving key of the synthetic circuit of `constraints` constraints (UNSAFE).
    static func syntheticProvingKey(constraints: UInt64) throws -> ProvingKey {
        let (r1cs, _) = SyntheticCircuit.make(constraints: Int(constraints))
        return try DevelopmentSetup.setup(r1cs: r1cs)
    }

    /// Proves with a zkey file and a witness, returning the snarkjs proof and public-signals JSON.
    /// `stage` is told the phase as it starts ("key", "proving"), for progress reports.
    public static func prove(
        zkey: URL, witness: [Fr], threads: Int, stage: (String, Double) -> Void = { _, _ in }
    ) throws -> (proofJSON: Data, publicJSON: Data) {
        stage("loading key", 0.15)
        let key = try loadProvingKey(zkey)
        return try prove(key: key, witness: witness, threads: threads, stage: stage)
    }

    /// Reads and checks a zkey file's proving key, as a prover needs it.
    public static func loadProvingKey(_ zkey: URL) throws -> ProvingKey {
        try ZKeyFile(contentsOf: zkey, options: .prover).provingKey
    }

    /// Proves with a proving key in memory, keeping each stage in `checkpoint` as it is done and taking the
    /// stages already there (after a crash): `event` is told what was resumed, computed or refused.
    public static func prove(
        key: ProvingKey, witness: [Fr], threads: Int, checkpoint: ProofCheckpoint,
        event: (ProofCheckpoint.Event) -> Void
    ) throws -> (proofJSON: Data, publicJSON: Data) {
        let (proof, signals) = try Prover.prove(
            key: key, witness: witness, threads: threads, checkpoint: checkpoint, progress: event)
        return (proof.snarkjsJSON, PublicSignals.encode(signals))
    }

    /// Proves with a proving key already in memory (a worker that proves many jobs of one circuit keeps it).
    public static func prove(
        key: ProvingKey, witness: [Fr], threads: Int, stage: (String, Double) -> Void = { _, _ in }
    ) throws -> (proofJSON: Data, publicJSON: Data) {
        stage("proving", 0.3)
        let (proof, signals) = try Prover.prove(key: key, witness: witness, threads: threads)
        return (proof.snarkjsJSON, PublicSignals.encode(signals))
    }
}

/// A circuit loaded for witnesses and verification: what the gateway holds per registered circuit, and
/// what a prover holds per circuit it proves.
public struct Groth16Circuit: Sendable {
    public enum Witnesses: Sendable {
        case circom(WitnessCalculator)
        case synthetic(constraints: Int)
    }

    public let witnesses: Witnesses
    public let verificationKey: VerificationKey
    public var publicSignals: Int { verificationKey.publicCount }

    public init(witnesses: Witnesses, verificationKey: VerificationKey) {
        self.witnesses = witnesses
        self.verificationKey = verificationKey
    }

    /// Loads a circuit from its artifacts: the wasm of a circom circuit (nil for a synthetic one) and its
    /// verification key JSON.
    public init(kind: CircuitKind, constraints: UInt64, wasm: URL?, verificationKeyJSON: String)
        throws(ProverNetError)
    {
        let key: VerificationKey
        do {
            key = try VerificationKey(snarkjsJSON: Data(verificationKeyJSON.utf8))
        } catch {
            throw .invalidCircuit(reason: "verification key: \(error)")
        }
        switch kind {
        case .synthetic:
            self.init(witnesses: .synthetic(constraints: Int(constraints)), verificationKey: key)
        case .circom:
            guard let wasm else { throw .invalidCircuit(reason: "a circom circuit needs its wasm") }
            do {
                self.init(witnesses: .circom(try WitnessCalculator(wasmFile: wasm)), verificationKey: key)
            } catch {
                throw .invalidCircuit(reason: "wasm: \(error)")
            }
        default:
            throw .invalidCircuit(
                reason: "\(Groth16ProofSystem.name) proves circom and synthetic circuits, not \(kind)")
        }
    }

    /// The witness for one job's input JSON.
    public func witness(inputJSON: String, index: Int? = nil) throws(ProverNetError) -> [Fr] {
        try witnesses.witness(inputJSON: inputJSON, index: index)
    }

    /// The public signals that a proof for this input must carry: w[1…nPublic] of its witness.
    public func publicSignals(inputJSON: String, index: Int? = nil) throws(ProverNetError) -> [Fr] {
        let w = try witness(inputJSON: inputJSON, index: index)
        guard w.count > publicSignals else {
            throw .invalidInput(index: index, reason: "witness has \(w.count) values, fewer than the public signals")
        }
        return Array(w[1...publicSignals])
    }

    /// Checks a prover's proof: it must parse, carry exactly `expected` as its public signals, and verify.
    public func check(proofJSON: String, publicJSON: String, expected: [Fr]) throws(ProverNetError) {
        let proof: Proof
        let signals: [Fr]
        do {
            proof = try Proof(snarkjsJSON: Data(proofJSON.utf8))
            signals = try PublicSignals.decode(Data(publicJSON.utf8))
        } catch {
            throw .invalidProof(reason: "\(error)")
        }
        guard signals == expected else {
            throw .invalidProof(
                reason:
                    "public signals \(signals.map(\.decimal)) are not those of the job's input \(expected.map(\.decimal))"
            )
        }
        let valid: Bool
        do {
            valid = try Verifier.verify(key: verificationKey, publicSignals: signals, proof: proof)
        } catch {
            throw .invalidProof(reason: "\(error)")
        }
        guard valid else { throw .invalidProof(reason: "the proof does not verify with the circuit's key") }
    }

    /// Reads `{"x": …, "y": …}` (decimal strings or non-negative integers).
    static func syntheticInput(_ json: String, index: Int?) throws(ProverNetError) -> (Fr, Fr) {
        let object: [String: SyntheticValue]
        do {
            object = try JSONDecoder().decode([String: SyntheticValue].self, from: Data(json.utf8))
        } catch {
            throw .invalidInput(
                index: index,
                reason: "a synthetic circuit's input is {\"x\": …, \"y\": …} with numbers or decimal strings")
        }
        let unknown = Set(object.keys).subtracting(["x", "y"])
        guard unknown.isEmpty else { throw .invalidInput(index: index, reason: "unknown signals \(unknown.sorted())") }
        func value(_ name: String) throws(ProverNetError) -> Fr {
            guard let text = object[name]?.text else {
                throw .invalidInput(index: index, reason: "\"\(name)\" is missing")
            }
            do {
                return try Fr(string: text)
            } catch {
                throw .invalidInput(index: index, reason: "\"\(name)\": \(error)")
            }
        }
        return (try value("x"), try value("y"))
    }
}

/// A signal value in a synthetic input: a decimal string or a JSON integer.
struct SyntheticValue: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let s = try? container.decode(String.self) {
            text = s
        } else {
            text = String(try container.decode(UInt64.self))
        }
    }
}
