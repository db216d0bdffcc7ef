import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16
import SnarkPack

/// `provernet snarkpack`: SnarkPack aggregation of Groth16 proofs (docs/snarkpack.md).
struct SnarkPackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snarkpack",
        abstract: "SnarkPack: aggregate n Groth16 proofs of one circuit into one proof of O(log n) size.",
        discussion: """
            The reference string (SRS) is a file given with --srs: `snarkpack srs` builds it from two ceremonies' \
            .ptau files, `snarkpack setup` makes an UNSAFE development one. The aggregator needs the public signals \
            too: they are bound into the Fiat–Shamir transcript.
            """,
        subcommands: [Setup.self, ReferenceString.self, Aggregate.self, Verify.self]
    )

    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "UNSAFE development reference string from two random secrets that this process knew.",
            discussion: "Never use it in production: build one from two ceremonies with `provernet snarkpack srs`.")
        @Option(name: .shortAndLong, help: "Where to write the reference string.") var output: String = "srs.bin"
        @Option(help: "The most proofs it must aggregate (rounded up to a power of two).") var maxProofs: Int = 1024
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func validate() throws {
            guard (2...(1 << 27)).contains(maxProofs) else {
                throw ValidationError("--max-proofs must be in 2…2^27, got \(maxProofs)")
            }
        }

        func run() async throws {
            note("WARNING: \(SRS.developmentWarning)")
            try badInputExits {
                let srs = try SRS.unsafeDevelopment(maxProofs: maxProofs, threads: threads)
                try Data(srs.encoded).write(to: URL(commandLinePath: output))
                note("wrote \(output): up to \(srs.maxProofs) proofs")
            }
        }
    }

    struct ReferenceString: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "srs",
            abstract:
                "The reference string from two snarkjs .ptau files with independent secrets (α from the first, β from the second).",
            discussion:
                "A ptau of power p gives up to 2^(p−1) proofs (the smaller power counts). Every point is checked, and that the points are powers."
        )
        @Option(name: .customLong("ptau"), help: "A .ptau file; give exactly two.") var ptau: [String] = []
        @Option(name: .shortAndLong, help: "Where to write the reference string.") var output: String = "srs.bin"
        @Option(help: "Keep at most this many proofs (a smaller file).") var maxProofs: Int?
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func validate() throws {
            guard ptau.count == 2 else { throw ValidationError("give exactly two --ptau files, got \(ptau.count)") }
        }

        func run() async throws {
            try badInputExits {
                let first = [UInt8](try Data(contentsOf: URL(commandLinePath: ptau[0])))
                let second = [UInt8](try Data(contentsOf: URL(commandLinePath: ptau[1])))
                let srs = try SRS.fromPowersOfTau(
                    first, file: ptau[0], second, file: ptau[1], maxProofs: maxProofs, threads: threads)
                try Data(srs.encoded).write(to: URL(commandLinePath: output))
                note("wrote \(output): up to \(srs.maxProofs) proofs")
            }
        }
    }

    struct Aggregate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Aggregate snarkjs proofs of one circuit into one SnarkPack aggregate.",
            discussion: """
                The proofs (snarkjs JSON) are the positional arguments after the verification key; --public gives \
                their public signals (JSON arrays) in the same order. Every proof is checked first (one batched \
                pairing check) unless --no-check. Exit status: 0 written, 1 a proof is invalid, 2 bad input.
                """)
        @Argument(help: "The verification key (snarkjs JSON).") var verificationKey: String
        @Argument(help: "The proofs (snarkjs JSON), at least 2.") var proofs: [String] = []
        @Option(
            name: .customLong("public"), parsing: .upToNextOption, help: "The public signals of each proof, in order.")
        var publicSignals: [String] = []
        @Option(help: "The reference string (from `snarkpack srs` or `snarkpack setup`).") var srs: String
        @Option(name: .shortAndLong, help: "Where to write the aggregate.") var output: String = "aggregate.bin"
        @Flag(help: "Do not verify the proofs before aggregating.") var noCheck = false
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func validate() throws {
            guard proofs.count >= 2 else { throw ValidationError("give at least 2 proofs, got \(proofs.count)") }
            guard publicSignals.count == proofs.count else {
                throw ValidationError(
                    "give one --public file per proof: \(proofs.count) proofs, \(publicSignals.count) public files")
            }
        }

        func run() async throws {
            let (key, items, referenceString) = try badInputExits {
                let key = try VerificationKey(snarkjsJSONContentsOf: URL(commandLinePath: verificationKey))
                var items: [(publicSignals: [Fr], proof: Proof)] = []
                for (proof, signals) in zip(proofs, publicSignals) {
                    items.append(
                        (
                            try PublicSignals.read(URL(commandLinePath: signals)),
                            try Proof(snarkjsJSONContentsOf: URL(commandLinePath: proof))
                        ))
                }
                let referenceString = try SRS(
                    encoded: [UInt8](try Data(contentsOf: URL(commandLinePath: srs))), validatePowers: false,
                    threads: threads)
                return (key, items, referenceString)
            }
            if !noCheck {
                let valid = try badInputExits { try Verifier.batchVerify(key: key, items: items) }
                if !valid {
                    let bad = try badInputExits {
                        try items.indices.filter {
                            !(try Verifier.verify(
                                key: key, publicSignals: items[$0].publicSignals, proof: items[$0].proof))
                        }
                    }
                    throw failure(
                        "invalid proof(s), not aggregated: \(bad.map { proofs[$0] }.joined(separator: ", "))", code: 1)
                }
            }
            try badInputExits {
                let aggregate = try Aggregator.aggregate(
                    proofs: items.map { $0.proof }, publicSignals: items.map { $0.publicSignals }, verificationKey: key,
                    srs: referenceString, threads: threads)
                try Data(aggregate.encoded).write(to: URL(commandLinePath: output))
                note("wrote \(output): \(aggregate.count) proofs in \(aggregate.encoded.count) bytes")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a SnarkPack aggregate: verification_key.json publics... aggregate.bin.",
            discussion:
                "The public signal files are in the order of the aggregated proofs. Exit status: 0 valid, 1 invalid, 2 bad input."
        )
        @Argument(help: "The verification key, the public signals of each proof, then the aggregate.") var files:
            [String] = []
        @Option(
            help:
                "The reference string the aggregate was made with, or its verifier key (SPVK, as `provernet fetch` writes it)."
        )
        var srs: String
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func validate() throws {
            guard files.count >= 4 else {
                throw ValidationError("give the verification key, at least 2 public signal files and the aggregate")
            }
        }

        func run() async throws {
            let valid = try badInputExits {
                let key = try VerificationKey(snarkjsJSONContentsOf: URL(commandLinePath: files[0]))
                let signals = try files.dropFirst().dropLast().map { try PublicSignals.read(URL(commandLinePath: $0)) }
                let verifierKey = try VerifierKey.read(
                    encoded: [UInt8](try Data(contentsOf: URL(commandLinePath: srs))))
                let aggregate = try AggregateProof(
                    encoded: [UInt8](try Data(contentsOf: URL(commandLinePath: files[files.count - 1]))),
                    threads: threads)
                return try AggregateVerifier.verify(
                    aggregate: aggregate, publicSignals: signals, verificationKey: key, srs: verifierKey,
                    threads: threads)
            }
            if valid {
                print("OK: the aggregate of \(files.count - 2) proofs is valid")
            } else {
                print("INVALID: the aggregate does not prove these public signals under this verification key")
                throw ExitCode(1)
            }
        }
    }
}
