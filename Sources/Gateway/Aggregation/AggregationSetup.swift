import Foundation
import Logging
import ProverNetCore
import SnarkPack

/// What the gateway needs to offer SnarkPack aggregation: its reference string, stored as an artifact that
/// aggregating provers download by hash, and the verifier key that checks their aggregates.
public struct AggregationSetup: Sendable {
    /// The reference string as an artifact (role `srs`).
    public let srs: ArtifactDescriptor
    public let verifierKey: VerifierKey
    /// The verifier key in its file format (SPVK), handed to clients beside an aggregate.
    public let verifierKeyBytes: [UInt8]
    /// The most proofs one aggregate can take.
    public var maxProofs: Int { verifierKey.maxProofs }

    /// Reads and checks a reference-string file (every point, and that they are powers of two secrets), and
    /// stores it as an artifact.
    public static func load(path: String, artifacts: ArtifactStore, logger: Logger) throws -> AggregationSetup {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw GatewayError.configuration("cannot read the SnarkPack reference string \(path): \(error)")
        }
        let srs: SRS
        do {
            srs = try SRS(encoded: bytes)
        } catch {
            throw GatewayError.configuration("the SnarkPack reference string \(path) is not valid: \(error)")
        }
        let artifact = try artifacts.put(bytes, role: .srs)
        logger.info(
            "SnarkPack aggregation enabled",
            metadata: ["srs": "\(path)", "max_proofs": "\(srs.maxProofs)", "sha256": "\(artifact.sha256.prefix(16))"])
        return AggregationSetup(srs: artifact, verifierKey: srs.verifierKey, verifierKeyBytes: srs.verifierKey.encoded)
    }
}
