import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore
import SnarkPack

/// SnarkPack aggregation of Groth16 proofs over BN254, as the network runs it: one `snarkpack.aggregate`
/// job per request that asks for it, once all its proofs are verified. Its job classes are
/// `snarkpack-bn254/2^k`, k = log₂ of the proof count padded to a power of two.
public enum SnarkPackProofSystem: ProofSystem {
    public static let name = "snarkpack-bn254"
    public static let jobKind = "snarkpack.aggregate"
    public static let jobKinds = [jobKind]

    /// Aggregating n proofs costs about as much as 0.04·n proofs of 2^12 constraints: measured on 2 cores,
    /// 1,024 proofs in 7.9 s against 0.2 s for one 2^12 proof (`provernet bench snarkpack`).
    public static func workUnits(domainSize: UInt64) -> Double { 0.04 * Double(max(domainSize, 2)) }

    /// The class of the aggregation of `proofs` proofs.
    public static func jobClass(proofs: Int) -> JobClass {
        var k = 1
        while (1 << k) < proofs { k += 1 }
        return JobClass(proofSystem: name, log2Size: k)
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
