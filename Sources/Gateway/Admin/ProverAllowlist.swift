import ProverNetCore
import Store

/// Where the admin service changes the prover allowlist: the gateway's store, which checks the allowlist
/// when a prover says hello.
protocol ProverAllowlist: Sendable {
    /// Puts a public key on the allowlist (again, if it was revoked) and returns its record.
    func allowProver(publicKey: [UInt8], name: String) throws -> ProverRecord
    /// Takes a prover off the allowlist; `StoreError.missing` for an unknown one.
    func revokeProver(id: ProverID) throws
}

extension SQLiteStore: ProverAllowlist {}
