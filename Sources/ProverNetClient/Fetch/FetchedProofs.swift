import Foundation
import ProverNetCore

/// A fetched request on disk, in the files snarkjs reads: `verification_key.json`, and for the job at
/// index N `proof_N.json` and `public_N.json`; `request.json` says which request they are and how many
/// jobs it has, so that a proof that was never fetched shows as missing.
public enum FetchedProofs {
    public static let verificationKeyFile = "verification_key.json"
    public static let manifestFile = "request.json"

    /// The proof of the job at `index`.
    public static func proofFile(_ index: Int) -> String { "proof_\(index).json" }
    /// The public signals of the job at `index`.
    public static func publicFile(_ index: Int) -> String { "public_\(index).json" }

    /// Writes the request's verification key and every verified proof into `directory` (created if
    /// needed), overwriting files of the same names.
    public static func write(_ request: RequestStatus, to directory: URL) throws(ProverNetClientError) -> FetchResult {
        guard !request.verificationKeyJSON.isEmpty else {
            throw .unexpectedResponse(call: "GetRequest", reason: "request \(request.id) came without its verification key")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: directory.path, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        try save(Data(request.verificationKeyJSON.utf8), as: verificationKeyFile, in: directory)
        var written: [Int] = []
        var missing: [Int] = []
        for job in request.jobs {
            guard let proof = job.proof else {
                missing.append(job.index)
                continue
            }
            try save(Data(proof.proofJSON.utf8), as: proofFile(job.index), in: directory)
            try save(Data(proof.publicJSON.utf8), as: publicFile(job.index), in: directory)
            written.append(job.index)
        }
        let manifest = FetchManifest(
            requestID: request.id, circuitID: request.circuit, state: request.state.rawValue,
            jobs: request.jobs.map(\.index), proofs: written)
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
            request: request.id, state: request.state, directory: directory, written: written, missing: missing)
    }

    /// Reads `request.json`, if the directory has one.
    static func manifest(in directory: URL) throws(ProverNetClientError) -> FetchManifest? {
        let url = directory.appendingPathComponent(manifestFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(FetchManifest.self, from: Data(contentsOf: url))
        } catch {
            throw .fetchedDirectory(path: directory.path, reason: "\(manifestFile) is not what `provernet fetch` writes: \(error)")
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
struct FetchManifest: Codable, Equatable {
    var requestID: RequestID
    var circuitID: CircuitID
    var state: String
    /// The indices of all the request's jobs.
    var jobs: [Int]
    /// The indices whose proofs were written.
    var proofs: [Int]

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", circuitID = "circuit_id", state, jobs, proofs
    }
}

/// What a fetch wrote.
public struct FetchResult: Sendable, Hashable {
    public var request: RequestID
    /// The request's state when it was fetched.
    public var state: RequestState
    public var directory: URL
    /// The indices of the jobs whose proofs were written.
    public var written: [Int]
    /// The indices of the jobs that have no verified proof yet.
    public var missing: [Int]

    public init(request: RequestID, state: RequestState, directory: URL, written: [Int], missing: [Int]) {
        self.request = request
        self.state = state
        self.directory = directory
        self.written = written
        self.missing = missing
    }

    /// Whether every job's proof was written.
    public var isComplete: Bool { missing.isEmpty }
}
