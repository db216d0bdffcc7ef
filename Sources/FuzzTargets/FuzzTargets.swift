import BN254
import Circom
import Foundation
import Groth16
import ProverNetMessages
import SnarkPack
import SwiftProtobuf

/// The parsers that read bytes from outside, one fuzz target each: files a client uploads (`.zkey`, `.r1cs`,
/// `.wtns`), JSON a client or prover sends (circom inputs, snarkjs proofs, verification keys, public
/// signals), SnarkPack's encodings and compressed points, and every protobuf message the gateway accepts (and
/// those a prover or client reads from a gateway), decoded by the generated code of `ProverNetMessages`. A
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
    case messages

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
        case .messages: Self.decodeMessage(bytes)
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

    /// The messages a stranger can send a gateway (every RPC's input), and those a gateway sends provers and
    /// clients: the first byte picks one, the rest is its binary encoding. What decodes must encode again, and
    /// that encoding must decode and encode to the same bytes (the generated code's round trip; bytes, not
    /// `==`, because a NaN double is not equal to itself: `Fuzz/regressions/messages/nan-price.bin`).
    static let messageTypes: [any SwiftProtobuf.Message.Type] = [
        Provernet_V1_RegisterCircuitChunk.self, Provernet_V1_SubmitRequestRequest.self,
        Provernet_V1_WatchRequestRequest.self, Provernet_V1_GetRequestRequest.self,
        Provernet_V1_CancelRequestRequest.self, Provernet_V1_ListProversRequest.self,
        Provernet_V1_ListJobsRequest.self, Provernet_V1_ListRoundsRequest.self, Provernet_V1_AllowProverRequest.self,
        Provernet_V1_RevokeProverRequest.self, Provernet_V1_CreateKeyRequest.self, Provernet_V1_ListKeysRequest.self,
        Provernet_V1_RevokeKeyRequest.self, Provernet_V1_ListAuditEntriesRequest.self,
        Provernet_V1_DownloadRequest.self, Provernet_V1_ProverMessage.self, Provernet_V1_GatewayMessage.self,
        Provernet_V1_GetRequestResponse.self, Provernet_V1_RequestEvent.self, Provernet_V1_ArtifactChunk.self,
    ]

    static func decodeMessage(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let type = messageTypes[Int(first) % messageTypes.count]
        let body = Data(bytes.dropFirst())
        // Depth and size as the gRPC codec decodes them (SwiftProtobuf's default recursion limit).
        guard let message = try? type.init(serializedBytes: body, extensions: nil, partial: false, options: .init())
        else { return }
        guard let encoded: Data = try? message.serializedBytes() else {
            fatalError("a decoded \(type) does not encode again")
        }
        guard let again = try? type.init(serializedBytes: encoded, extensions: nil, partial: false, options: .init()),
            let reencoded: Data = try? again.serializedBytes(), reencoded == encoded
        else {
            fatalError("a decoded \(type) does not survive its own round trip")
        }
    }

    /// The target named by `PROVERNET_FUZZ_TARGET`.
    public static var fromEnvironment: FuzzTarget? {
        ProcessInfo.processInfo.environment["PROVERNET_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))
    }
}
