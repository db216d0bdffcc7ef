import Foundation
import Logging
import ProverNetCore

/// What the gateway needs to offer aggregation: the aggregation system, its setup (for SnarkPack, the
/// reference string) stored as an artifact that aggregating provers download by hash, and the verifier
/// that checks their aggregates.
public struct AggregationSetup: Sendable {
    public let system: any AggregationSystem
    /// The setup as an artifact (role `srs`).
    public let srs: ArtifactDescriptor
    public let verifier: any AggregationVerifier
    /// What a client needs to check an aggregate itself, handed to it beside an aggregate.
    public var verifierKeyBytes: [UInt8] { verifier.verifierKey }
    /// The most proofs one aggregate can take.
    public var maxProofs: Int { verifier.maxProofs }

    /// Reads and checks a setup file with `system`, and stores it as an artifact.
    public static func load(
        path: String, system: any AggregationSystem, artifacts: ArtifactStore, logger: Logger
    ) throws -> AggregationSetup {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw GatewayError.configuration("cannot read the \(system.name) setup \(path): \(error)")
        }
        let verifier: any AggregationVerifier
        do {
            verifier = try system.loadSetup(bytes)
        } catch {
            throw GatewayError.configuration("the \(system.name) setup \(path) is not valid: \(error)")
        }
        let artifact = try artifacts.put(bytes, role: .srs)
        logger.info(
            "aggregation enabled",
            metadata: [
                "system": "\(system.name)", "setup": "\(path)", "max_proofs": "\(verifier.maxProofs)",
                "sha256": "\(artifact.sha256.prefix(16))",
            ])
        return AggregationSetup(system: system, srs: artifact, verifier: verifier)
    }
}
