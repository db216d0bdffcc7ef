import Foundation

/// A request's id: `req-` and 16 random hex digits.
public typealias RequestID = String
/// A job's id: its request's id, `/`, and its index in the request.
public typealias JobID = String
/// A prover's id: the hex SHA-256 of its Ed25519 public key.
public typealias ProverID = String
/// A circuit's id: the hex SHA-256 over its kind and its artifacts' hashes.
public typealias CircuitID = String

public enum Identifiers {
    /// A fresh request id.
    public static func newRequestID() -> RequestID {
        var generator = SystemRandomNumberGenerator()
        return "req-" + String(format: "%016llx", generator.next() as UInt64)
    }

    /// The id of the job at `index` of a request.
    public static func jobID(request: RequestID, index: Int) -> JobID { "\(request)/\(index)" }

    /// The id of replica `replica` of a job (replica 0 is the job itself): `req-…/3~1`.
    public static func jobID(request: RequestID, index: Int, replica: Int) -> JobID {
        replica == 0 ? jobID(request: request, index: index) : "\(request)/\(index)~\(replica)"
    }

    /// Milliseconds since 1970, the unit of every timestamp the network stores.
    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
