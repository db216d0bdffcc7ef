import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetVerify

/// `provernet verify`: checks every proof that `provernet fetch` wrote.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every proof fetched into a directory with its verification key (needs no gateway).",
        discussion: """
            Checks each proof_N.json with its public_N.json against verification_key.json; a job that request.json lists
            but whose files are missing counts as invalid. When the request asked for a SnarkPack aggregate, aggregate.bin
            is checked too, against every public_N.json in order, with --srs (your own reference string or verifier key)
            or else the gateway's snarkpack_verifier_key.bin.
            Exit status: 0 all valid, 1 any invalid (each named with its reason), 2 bad input (no key, nothing to check).
            """)
    @Argument(help: "The directory `provernet fetch` wrote.") var directory: String
    @Option(
        help:
            "The SnarkPack reference string (or SPVK verifier key) to check aggregate.bin with, instead of the gateway's."
    )
    var srs: String?

    func run() async throws {
        let verdict: FetchVerification
        do {
            verdict = try ProverNetClient.verifyFetched(
                at: URL(commandLinePath: directory), srs: srs.map { URL(commandLinePath: $0) })
        } catch {
            throw failure(error.description)
        }
        let failures = verdict.failures
        for check in failures {
            print("INVALID: proof \(check.index): \(check.failure ?? "")")
        }
        if failures.isEmpty {
            print("OK: all \(verdict.checks.count) proofs are valid")
        } else {
            print(
                "INVALID: \(failures.count) of \(verdict.checks.count) proofs: \(failures.map { String($0.index) }.joined(separator: ", "))"
            )
        }
        if let aggregate = verdict.aggregate {
            if let failure = aggregate.failure {
                print("INVALID: aggregate: \(failure)")
            } else {
                print("OK: the SnarkPack aggregate of the \(verdict.checks.count) proofs is valid")
            }
        }
        if !verdict.allValid { throw ExitCode(1) }
    }
}
