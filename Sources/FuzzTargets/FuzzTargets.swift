import BN254
import Circom
import Foundation
import Groth16
import SnarkPack

/// The parsers that read bytes from outside, one fuzz target each: files a client uploads (`.zkey`, `.r1cs`,
/// `.wtns`), JSON a client or prover sends (circom inputs, snarkjs proofs, verification keys, public
/// signals), SnarkPack's encodings and compressed points. (The protobuf messages are not fuzzed yet: the
/// generated code's module brings grpc and NIO, too much to build with the sanitizers here.) A
/// target must return or throw a typed error for any input: a crash, a hang or unbounded memory is a bug.
/// `provernet-fuzz` runs them under libFuzzer (`scripts/fuzz`); the tests replay the regression inputs.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case zkey
    case r1cs
    case wtns
    case inputJSON = "input-json"
    case proofJSON = "proof-json"
    case verificationKeyJSON = "verification-key-json"
    case publicSignals = "public-signals"
    case aggregate
    case srs
    case verifierKey = "verifier-key"
    case points

    /// Runs one input through the target's parser. Errors are the expected outcome for most inputs.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .zkey: _ = try? ZKeyFile(bytes: bytes, options: .init(checkB2Subgroup: true, workers: 1))
        case .r1cs: _ = try? R1CSFile(bytes: bytes)
        case .wtns: _ = try? WitnessFile(bytes: bytes)
        case .inputJSON: _ = try? WitnessCalculator.parseInputJSON(bytes)
        case .proofJSON: _ = try? Proof(snarkjsJSON: Data(bytes))
        case .verificationKeyJSON: _ = try? VerificationKey(snarkjsJSON: Data(bytes))
        case .publicSignals: _ = try? PublicSignals.decode(Data(bytes))
        case .aggregate: _ = try? AggregateProof(encoded: bytes, threads: 1)
        case .srs: _ = try? SRS(encoded: bytes, validatePowers: true, threads: 1)
        case .verifierKey: _ = try? VerifierKey(encoded: bytes)
        case .points:
            // The first byte picks the group; the rest is the compressed point.
            guard let first = bytes.first else { return }
            let body = Array(bytes.dropFirst())
            if first & 1 == 0 {
                _ = try? G1Affine(compressed: body)
            } else {
                _ = try? G2Affine(compressed: body)
            }
        }
    }

    /// The target named by `PROVERNET_FUZZ_TARGET`.
    public static var fromEnvironment: FuzzTarget? {
        ProcessInfo.processInfo.environment["PROVERNET_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))
    }
}
