import BN254
import Circom
import Foundation
import Groth16
import ProverNetClient
import SnarkPack

extension FetchedProofs {
    /// Checks every proof in a fetched directory against its verification key: each `proof_N.json` with
    /// its `public_N.json`. Every job that `request.json` lists must have both; without `request.json`,
    /// every `proof_N.json` or `public_N.json` present is checked. A proof or public file that is
    /// malformed, missing or does not verify is reported, not thrown.
    ///
    /// - Throws: `.fetchedDirectory` when the directory, its verification key or `request.json` cannot be
    ///   read, or there is nothing to check.
    ///
    /// When the directory has `aggregate.bin` (or `request.json` says the request asked for one), the
    /// aggregate is checked too: against the public signals of every job in index order, with the SnarkPack
    /// verifier key `srs` names (a reference-string or SPVK file of the client's own), else the gateway's
    /// `snarkpack_verifier_key.bin`.
    public static func verify(at directory: URL, srs: URL? = nil) throws(ProverNetClientError) -> FetchVerification {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw .fetchedDirectory(path: directory.path, reason: "no such directory") }
        let key: VerificationKey
        let keyURL = directory.appendingPathComponent(verificationKeyFile)
        guard FileManager.default.fileExists(atPath: keyURL.path) else {
            throw .fetchedDirectory(
                path: directory.path, reason: "no \(verificationKeyFile) (fetch the request into it first)")
        }
        do {
            key = try VerificationKey(snarkjsJSONContentsOf: keyURL)
        } catch {
            throw .fetchedDirectory(path: directory.path, reason: "\(verificationKeyFile): \(error)")
        }
        let indices: [Int]
        let manifest = try manifest(in: directory)
        if let manifest {
            indices = manifest.jobs
        } else {
            indices = try presentIndices(in: directory)
        }
        guard !indices.isEmpty else {
            throw .fetchedDirectory(path: directory.path, reason: "no proof_N.json files to verify")
        }

        var checks: [FetchVerification.Check] = []
        var readable: [(check: Int, publicSignals: [Fr], proof: Proof)] = []
        for index in indices.sorted() {
            var check = FetchVerification.Check(index: index, failure: nil)
            let proofURL = directory.appendingPathComponent(proofFile(index))
            let publicURL = directory.appendingPathComponent(publicFile(index))
            if !FileManager.default.fileExists(atPath: proofURL.path) {
                check.failure = "\(proofFile(index)) is missing"
            } else if !FileManager.default.fileExists(atPath: publicURL.path) {
                check.failure = "\(publicFile(index)) is missing"
            } else {
                do {
                    let proof = try Proof(snarkjsJSONContentsOf: proofURL)
                    let signals = try PublicSignals.read(publicURL)
                    if signals.count != key.publicCount {
                        check.failure =
                            "\(publicFile(index)) has \(signals.count) public signals; the key expects \(key.publicCount)"
                    } else {
                        readable.append((checks.count, signals, proof))
                    }
                } catch {
                    check.failure = "\(error)"
                }
            }
            checks.append(check)
        }

        // One batched pairing check for all (random linear combination); only if it fails is each proof
        // checked alone, to name the bad ones.
        let batchValid =
            readable.count > 1
            && ((try? Verifier.batchVerify(key: key, items: readable.map { ($0.publicSignals, $0.proof) })) ?? false)
        if !batchValid {
            for item in readable {
                do {
                    if try !Verifier.verify(key: key, publicSignals: item.publicSignals, proof: item.proof) {
                        checks[item.check].failure = "the proof does not verify with these public signals and the key"
                    }
                } catch {
                    checks[item.check].failure = "\(error)"
                }
            }
        }
        let aggregateURL = directory.appendingPathComponent(aggregateFile)
        var aggregateCheck: FetchVerification.AggregateCheck?
        if manifest?.aggregate != nil || FileManager.default.fileExists(atPath: aggregateURL.path) {
            aggregateCheck = checkAggregate(
                in: directory, key: key, publicSignals: readable.map(\.publicSignals),
                complete: readable.count == indices.count,
                srs: srs)
        }
        return FetchVerification(directory: directory, checks: checks, aggregate: aggregateCheck)
    }

    /// The verdict on `aggregate.bin`.
    private static func checkAggregate(
        in directory: URL, key: VerificationKey, publicSignals: [[Fr]], complete: Bool, srs: URL?
    ) -> FetchVerification.AggregateCheck {
        let aggregateURL = directory.appendingPathComponent(aggregateFile)
        let keyURL = srs ?? directory.appendingPathComponent(snarkpackVerifierKeyFile)
        guard FileManager.default.fileExists(atPath: aggregateURL.path) else {
            return .init(failure: "\(aggregateFile) is missing (the request asked for an aggregate)")
        }
        guard complete else {
            return .init(failure: "the aggregate cannot be checked: some public signals are missing")
        }
        do {
            let verifierKey = try VerifierKey.read(encoded: [UInt8](try Data(contentsOf: keyURL)))
            let aggregate = try AggregateProof(encoded: [UInt8](try Data(contentsOf: aggregateURL)), threads: 1)
            let valid = try AggregateVerifier.verify(
                aggregate: aggregate, publicSignals: publicSignals, verificationKey: key, srs: verifierKey, threads: 1)
            return .init(
                failure: valid
                    ? nil
                    : "the aggregate does not verify with these public signals, the key and \(keyURL.lastPathComponent)"
            )
        } catch {
            return .init(failure: "\(error)")
        }
    }

    /// The indices N of every proof_N.json or public_N.json in the directory.
    private static func presentIndices(in directory: URL) throws(ProverNetClientError) -> [Int] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .fetchedDirectory(path: directory.path, reason: "cannot list: \(error.localizedDescription)")
        }
        var indices = Set<Int>()
        for name in names where name.hasSuffix(".json") {
            let stem = name.dropLast(5)
            for prefix in ["proof_", "public_"] where stem.hasPrefix(prefix) {
                let digits = stem.dropFirst(prefix.count)
                if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let index = Int(digits)
                {
                    indices.insert(index)
                }
            }
        }
        return indices.sorted()
    }
}

/// The verdict on a fetched directory: one check per job.
public struct FetchVerification: Sendable, Hashable {
    /// The verdict on one job's proof.
    public struct Check: Sendable, Hashable {
        /// The job's index (the N of proof_N.json).
        public var index: Int
        /// Why the proof is not valid; nil when it is.
        public var failure: String?

        public init(index: Int, failure: String?) {
            self.index = index
            self.failure = failure
        }

        public var isValid: Bool { failure == nil }
    }

    /// The verdict on the SnarkPack aggregate (`aggregate.bin`).
    public struct AggregateCheck: Sendable, Hashable {
        /// Why the aggregate is not valid; nil when it is.
        public var failure: String?

        public init(failure: String?) { self.failure = failure }

        public var isValid: Bool { failure == nil }
    }

    public var directory: URL
    public var checks: [Check]
    /// Present when the directory holds (or should hold) an aggregate.
    public var aggregate: AggregateCheck?

    public init(directory: URL, checks: [Check], aggregate: AggregateCheck? = nil) {
        self.directory = directory
        self.checks = checks
        self.aggregate = aggregate
    }

    /// The checks that failed.
    public var failures: [Check] { checks.filter { !$0.isValid } }
    /// Whether every proof, and the aggregate if there is one, is valid.
    public var allValid: Bool { checks.allSatisfy(\.isValid) && aggregate?.isValid != false }
}

extension ProverNetClient {
    /// Checks every proof fetched into `directory` with its verification key, and reports which fail
    /// (see `FetchedProofs.verify(at:)`). Needs no gateway.
    public static func verifyFetched(at directory: URL, srs: URL? = nil) throws(ProverNetClientError)
        -> FetchVerification
    {
        try FetchedProofs.verify(at: directory, srs: srs)
    }
}
