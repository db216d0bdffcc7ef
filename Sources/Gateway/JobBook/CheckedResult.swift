import ProverNetCore

/// A prover's result after the gateway checked it: the only thing the job book accepts a proof from, so
/// that no path can accept an unverified proof. Made by `ResultChecker` (the proof system's verification
/// against the job's statement), or, in tests of the book alone, by `init(assumingValid:)`.
public struct CheckedResult: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case valid(ProofPayload)
        case invalid(reason: String)
    }

    public let verdict: Verdict
    /// The prover's own measure of its proving time.
    public let proveMillis: Int64
    /// The SHA-256 (hex) of the proof found invalid, for the slash's evidence; nil when none was checked.
    public let proofSHA256: String?

    init(verdict: Verdict, proveMillis: Int64, proofSHA256: String? = nil) {
        self.verdict = verdict
        self.proveMillis = proveMillis
        self.proofSHA256 = proofSHA256
    }

    /// A result taken as checked without checking it: for tests of the job book, which has no
    /// cryptography of its own.
    @_spi(Testing) public init(assumingValid proof: ProofPayload, proveMillis: Int64 = 0) {
        self.init(verdict: .valid(proof), proveMillis: proveMillis)
    }

    /// A result found invalid, with why.
    public static func invalid(_ reason: String, proveMillis: Int64 = 0, proofSHA256: String? = nil) -> CheckedResult {
        CheckedResult(verdict: .invalid(reason: reason), proveMillis: proveMillis, proofSHA256: proofSHA256)
    }
}
