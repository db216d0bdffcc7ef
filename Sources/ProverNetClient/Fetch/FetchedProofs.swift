import Foundation
import ProverNetCore

/// A fetched request on disk, in the files snarkjs reads: `verification_key.json`, and for the job at
/// index N `proof_N.json` and `public_N.json`; `request.json` says which request they are and how many
/// jobs it has, so that a proof that was never fetched shows as missing.
public enum FetchedProofs {
    public static let verificationKeyFile = "verification_key.json"
    public static let manifestFile = "request.json"
    /// The SnarkPack aggregate of the proofs in index order, when the request asked for one.
    public static let aggregateFile = "aggregate.bin"
    /// The gateway's SnarkPack verifier key (SPVK) for `aggregate.bin`.
    public static let snarkpackVerifierKeyFile = "snarkpack_verifier_key.bin"

    /// The proof of the job at `index`.
    public static func proofFile(_ index: Int) -> String { "proof_\(index).json" }
    /// The public signals of the job at `index`.
    public static func publicFile(_ index: Int) -> String { "public_\(index).json" }

    /// Writes the request's verification key and every verified proof into `directory` (created if
    /// needed), overwriting files of the same names.
    public static func write(_ request: RequestStatus, to directory: URL) throws(ProverNetClientError) -> FetchResult {
        guard !request.verificationKeyJSON.isEmpty else {
            throw .unexpectedResponse(
                call: "GetRequest", reason: "request \(request.id) came without its verification key")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: directory.path, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        try save(Data(request.verificationKeyJSON.utf8), as: verificationKeyFile, in: directory)
        var written: [Int] = []
        var missing: [Int] = []
        let proofs = request.proofsByInput
        let indices = request.inputIndices
        for index in indices {
            guard let proof = proofs[index] else {
                missing.append(index)
                continue
            }
            try save(Data(proof.proofJSON.utf8), as: proofFile(index), in: directory)
            try save(Data(proof.publicJSON.utf8), as: publicFile(index), in: directory)
            written.append(index)
        }
        var aggregateWritten = false
        if let aggregate = request.aggregateProof, let key = request.snarkpackVerifierKey {
            try save(Data(aggregate), as: aggregateFile, in: directory)
            try save(Data(key), as: snarkpackVerifierKeyFile, in: directory)
            aggregateWritten = true
        }
        let manifest = FetchManifest(
            requestID: request.id, circuitID: request.circuit, state: request.state.rawValue,
            jobs: indices, proofs: written, aggregate: request.aggregate ? aggregateWritten : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try save(try encoder.encode(manifest) + Data("\n".utf8), as: manifestFile, in: directory)
        } catch let error as ProverNetClientError {
            throw error
        } catch {
            throw .file(path: directory.appendingPathComponent(manifestFile).path, reason: "\(error)")
        }
        return FetchResult(
            request: request.id, state: request.state, directory: directory, written: written, missing: missing,
            aggregateMissing: request.aggregate && !aggregateWritten)
    }

    /// Reads `request.json`, if the directory has one.
    package static func manifest(in directory: URL) throws(ProverNetClientError) -> FetchManifest? {
        let url = directory.appendingPathComponent(manifestFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(FetchManifest.self, from: Data(contentsOf: url))
        } catch {
            throw .fetchedDirectory(
                path: directory.path, reason: "\(manifestFile) is not what `provernet fetch` writes: \(error)")
        }
    }

    private static func save(_ data: Data, as name: String, in directory: URL) throws(ProverNetClientError) {
        let url = directory.appendingPathComponent(name)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .file(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// What `request.json` holds.
package struct FetchManifest: Codable, Equatable {
    package var requestID: RequestID
    package var circuitID: CircuitID
    package var state: String
    /// The indices of all the request's jobs.
    package var jobs: [Int]
    /// The indices whose proofs were written.
    package var proofs: [Int]
    /// Absent when the request did not ask for an aggregate; else whether `aggregate.bin` was written.
    package var aggregate: Bool?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case circuitID = "circuit_id"
        case state, jobs, proofs, aggregate
    }
}

/// What a fetch wrote.
public struct FetchResult: Sendable, Hashable {
    public var request: RequestID
    /// The request's state when it was fetched.
    public var state: RequestPhase
    public var directory: URL
    /// The indices of the jobs whose proofs were written.
    public var written: [Int]
    /// The indices of the jobs that have no verified proof yet.
    public var missing: [Int]
    /// Whether the request asked for an aggregate that is not there yet.
    public var aggregateMissing: Bool

    public init(
        request: RequestID, state: RequestPhase, directory: URL, written: [Int], missing: [Int],
        aggregateMissing: Bool = false
    ) {
        self.aggregateMissing = aggregateMissing
        self.request = request
        self.state = state
        self.directory = directory
        self.written = written
        self.missing = missing
    }

    /// Whether every job's proof was written.
    public var isComplete: Bool { missing.isEmpty && !aggregateMissing }
}
