import ArgumentParser
import Foundation
import ProverNetClient

/// `provernet verify`: checks every proof that `provernet fetch` wrote.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every proof fetched into a directory with its verification key (needs no gateway).",
        discussion: """
            Checks each proof_N.json with its public_N.json against verification_key.json; a job that request.json lists
            but whose files are missing counts as invalid.
            Exit status: 0 all valid, 1 any invalid (each named with its reason), 2 bad input (no key, nothing to check).
            """)
    @Argument(help: "The directory `provernet fetch` wrote.") var directory: String

    func run() async throws {
        let verdict: FetchVerification
        do {
            verdict = try ProverNetClient.verifyFetched(at: URL(commandLinePath: directory))
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
            print("INVALID: \(failures.count) of \(verdict.checks.count) proofs: \(failures.map { String($0.index) }.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }
}
