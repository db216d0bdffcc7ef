import Foundation
import ProverNetCore

extension ProverNetClient {
    /// Fetches a request's verified proofs into `directory` as snarkjs files: `proof_N.json` and
    /// `public_N.json` for the job at index N, `verification_key.json`, and `request.json`. Jobs without a
    /// verified proof yet are listed in the result's `missing`.
    public func fetch(_ id: RequestID, to directory: URL) async throws(ProverNetClientError) -> FetchResult {
        try FetchedProofs.write(try await request(id), to: directory)
    }

}
