import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore
import SnarkPack

/// SnarkPack aggregation of Groth16 proofs over BN254, as the network runs it: one `snarkpack.aggregate`
/// job per request that asks for it, once all its proofs are verified. Its job classes are
/// `snarkpack-bn254/2^k`, k = log₂ of the proof count padded to a power of two. A class, because a worker
/// keeps the last reference string it read between jobs.
public final class SnarkPackProofSystem: AggregationSystem, @unchecked Sendable {
    public static let name = "snarkpack-bn254"
    public static let jobKind = "snarkpack.aggregate"

    public var name: String { Self.name }
    public var jobKind: String { Self.jobKind }
    public var aggregates: String { Groth16ProofSystem.name }
    public var announcedLog2Sizes: ClosedRange<Int>? { 1...13 }

    /// One job at a time uses the reference string kept from the last.
    let lock = NSLock()
    var referenceString = FileSlot<SRS>()

    public init() {}

    /// Aggregating n proofs costs about as much as 0.04·n proofs of 2^12 constraints: measured on 2 cores,
    /// 1,024 proofs in 7.9 s against 0.2 s for one 2^12 proof (`provernet bench snarkpack`).
    public static func workUnits(domainSize: UInt64) -> Double { 0.04 * Double(max(domainSize, 2)) }

    public func workUnits(size: UInt64) -> Double { Self.workUnits(domainSize: size) }

    /// The class of the aggregation of `proofs` proofs.
    public static func jobClass(proofs: Int) -> JobClass {
        var k = 1
        while (1 << k) < proofs { k += 1 }
        return JobClass(proofSystem: name, log2Size: k)
    }

    public func jobClass(proofs: Int) -> JobClass { Self.jobClass(proofs: proofs) }

    /// Reads a reference string and checks every point, and that they are powers of two secrets.
    public func loadSetup(_ bytes: [UInt8]) throws(ProverNetError) -> any AggregationVerifier {
        do {
            let srs = try SRS(encoded: bytes)
            return SnarkPackSetup(setupBytes: bytes, key: srs.verifierKey)
        } catch {
            throw .invalidCircuit(reason: "the SnarkPack reference string is not valid: \(error)")
        }
    }

    public func bundle(_ proofs: [ProofPayload]) throws(ProverNetError) -> [UInt8] {
        var texts: [String] = []
        var signals: [String] = []
        for (index, proof) in proofs.enumerated() {
            guard let proofJSON = proof.proofJSON, let publicJSON = proof.publicJSON else {
                throw .invalidProof(reason: "input \(index) has no proof to aggregate")
            }
            texts.append(proofJSON)
            signals.append(publicJSON)
        }
        return [UInt8](AggregationBundle(proofs: texts, publicSignals: signals).json)
    }

    public func checkWork(_ work: JobWork, limits: NetworkLimits) throws(ProverNetError) {
        guard work.artifact(.srs) != nil, work.artifact(.verificationKey) != nil, work.artifact(.proofs) != nil else {
            throw .invalidCircuit(reason: "an aggregation job needs srs, verification_key and proofs artifacts")
        }
        guard work.proofs >= 2 else { throw .invalidCircuit(reason: "an aggregation of \(work.proofs) proofs") }
    }

    /// Aggregates the proofs of the job's bundle with the reference string (kept from the last job when it
    /// is the same file).
    public func prove(_ task: ProvingTask, progress: (ProvingProgress) -> Void) throws -> ProvingOutput {
        lock.lock()
        defer { lock.unlock() }
        progress(ProvingProgress(stage: "loading reference string", fraction: 0.05))
        let start = ContinuousClock.now
        let srs = try referenceString.value(for: try task.file(.srs)) {
            try SRS(encoded: [UInt8](try Data(contentsOf: $0)))
        }.value
        let bundle = try AggregationBundle(json: Data(contentsOf: try task.file(.proofs)))
        let keyJSON = try Data(contentsOf: try task.file(.verificationKey))
        progress(ProvingProgress(stage: "aggregating", fraction: 0.2))
        let aggregateStart = ContinuousClock.now
        let bytes = try Self.aggregate(bundle: bundle, verificationKeyJSON: keyJSON, srs: srs, threads: task.threads)
        let done = ContinuousClock.now
        return ProvingOutput(
            payload: ProofPayload(aggregate: bytes), keySeconds: Groth16ProofSystem.seconds(aggregateStart - start),
            proveSeconds: Groth16ProofSystem.seconds(done - aggregateStart))
    }

    /// The gateway decodes and verifies an aggregate; here only its presence and size are checked.
    public func checkEncoding(_ payload: ProofPayload, limits: NetworkLimits) throws(ProverNetError) {
        guard let aggregate = payload.aggregate else { throw .invalidProof(reason: "no aggregate") }
        guard aggregate.count <= limits.maxProofJSONBytes else {
            throw .invalidProof(reason: "the aggregate is larger than \(limits.maxProofJSONBytes) bytes")
        }
    }

    /// FOR TESTING THE GATEWAY ONLY: the aggregate with its last byte changed.
    public func tampered(_ payload: ProofPayload) -> ProofPayload? {
        guard var bytes = payload.aggregate, !bytes.isEmpty else { return nil }
        bytes[bytes.count - 1] ^= 1
        return ProofPayload(aggregate: bytes)
    }

    /// Aggregates the proofs of a bundle with a reference string; returns the encoded aggregate.
    public static func aggregate(
        bundle: AggregationBundle, verificationKeyJSON: Data, srs: SRS, threads: Int
    ) throws -> [UInt8] {
        let key = try VerificationKey(snarkjsJSON: verificationKeyJSON)
        let (proofs, signals) = try bundle.decoded()
        return try Aggregator.aggregate(
            proofs: proofs, publicSignals: signals, verificationKey: key, srs: srs, threads: threads
        ).encoded
    }

    /// Checks an aggregate against the public signals of the proofs it claims, in order: decoding checks
    /// (every point, every field element), then verification.
    public static func check(
        aggregate bytes: [UInt8], publicSignals: [[Fr]], verificationKey: VerificationKey, verifierKey: VerifierKey
    ) throws(ProverNetError) {
        let aggregate: AggregateProof
        do {
            aggregate = try AggregateProof(encoded: bytes, threads: 1)
        } catch {
            throw .invalidProof(reason: "the aggregate does not decode: \(error)")
        }
        guard aggregate.count == publicSignals.count else {
            throw .invalidProof(reason: "the aggregate is of \(aggregate.count) proofs, not \(publicSignals.count)")
        }
        let valid: Bool
        do {
            valid = try AggregateVerifier.verify(
                aggregate: aggregate, publicSignals: publicSignals, verificationKey: verificationKey, srs: verifierKey,
                threads: 1)
        } catch {
            throw .invalidProof(reason: "the aggregate cannot be checked: \(error)")
        }
        guard valid else { throw .invalidProof(reason: "the aggregate does not verify") }
    }
}

/// A checked SnarkPack reference string on the gateway.
struct SnarkPackSetup: AggregationVerifier {
    let setupBytes: [UInt8]
    let key: VerifierKey

    var maxProofs: Int { key.maxProofs }
    var verifierKey: [UInt8] { key.encoded }

    func verify(aggregate: [UInt8], statements: [String], verificationKey: String) throws(ProverNetError) {
        let circuitKey: VerificationKey
        do {
            circuitKey = try VerificationKey(snarkjsJSON: Data(verificationKey.utf8))
        } catch {
            throw .invalidCircuit(reason: "verification key: \(error)")
        }
        try SnarkPackProofSystem.check(
            aggregate: aggregate,
            publicSignals: try statements.map { s throws(ProverNetError) in try Groth16Circuit.signals(s) },
            verificationKey: circuitKey, verifierKey: key)
    }
}

/// The proofs of an aggregation job, in the request's order: what the gateway hands the aggregating
/// prover as its "proofs" artifact. JSON: {"proofs": [snarkjs proof JSON text, …], "publicSignals":
/// [public-signals JSON text, …]}.
public struct AggregationBundle: Sendable, Codable, Equatable {
    public var proofs: [String]
    public var publicSignals: [String]

    public init(proofs: [String], publicSignals: [String]) {
        self.proofs = proofs
        self.publicSignals = publicSignals
    }

    public init(json: Data) throws(ProverNetError) {
        do {
            self = try JSONDecoder().decode(AggregationBundle.self, from: json)
        } catch {
            throw .invalidProof(reason: "the proofs to aggregate are not a bundle: \(error)")
        }
    }

    public var json: Data { (try? JSONEncoder().encode(self)) ?? Data() }

    /// The proofs and their public signals, each decoded and checked.
    public func decoded() throws(ProverNetError) -> (proofs: [Proof], publicSignals: [[Fr]]) {
        guard proofs.count == publicSignals.count, proofs.count >= 2 else {
            throw .invalidProof(
                reason:
                    "a bundle needs as many public signals as proofs, at least 2: \(proofs.count) and \(publicSignals.count)"
            )
        }
        var decodedProofs: [Proof] = []
        var decodedSignals: [[Fr]] = []
        for (index, (proof, signals)) in zip(proofs, publicSignals).enumerated() {
            do {
                decodedProofs.append(try Proof(snarkjsJSON: Data(proof.utf8)))
                decodedSignals.append(try PublicSignals.decode(Data(signals.utf8)))
            } catch {
                throw .invalidProof(reason: "proof \(index) of the bundle: \(error)")
            }
        }
        return (decodedProofs, decodedSignals)
    }
}
