import BN254
import Groth16

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Groth16 verification key as `snarkjs zkey export verificationkey` writes it. `vk_alphabeta_12`
/// (e(α, β), which no verifier needs) is ignored on reading and not written.
public struct SnarkjsVerificationKey: Codable, Sendable, Equatable {
    public var `protocol`: String
    public var curve: String
    public var nPublic: Int
    public var alpha1: [String]
    public var beta2: [[String]]
    public var gamma2: [[String]]
    public var delta2: [[String]]
    public var ic: [[String]]

    enum CodingKeys: String, CodingKey {
        case `protocol`, curve, nPublic
        case alpha1 = "vk_alpha_1"
        case beta2 = "vk_beta_2"
        case gamma2 = "vk_gamma_2"
        case delta2 = "vk_delta_2"
        case ic = "IC"
    }

    public init(
        protocol: String = "groth16", curve: String = "bn128", nPublic: Int, alpha1: [String], beta2: [[String]],
        gamma2: [[String]], delta2: [[String]], ic: [[String]]
    ) {
        self.protocol = `protocol`
        self.curve = curve
        self.nPublic = nPublic
        self.alpha1 = alpha1
        self.beta2 = beta2
        self.gamma2 = gamma2
        self.delta2 = delta2
        self.ic = ic
    }

    /// The JSON form of a key.
    public init(_ key: VerificationKey) {
        self.init(
            nPublic: key.publicCount, alpha1: key.alpha1.snarkjs, beta2: key.beta2.snarkjs, gamma2: key.gamma2.snarkjs,
            delta2: key.delta2.snarkjs, ic: key.ic.map(\.snarkjs))
    }

    /// The JSON in snarkjs's member order and layout.
    public var snarkjsLayout: Data {
        SnarkjsJSONLayout.encodeObject([
            ("protocol", self.protocol), ("curve", curve), ("nPublic", nPublic), ("vk_alpha_1", alpha1),
            ("vk_beta_2", beta2),
            ("vk_gamma_2", gamma2), ("vk_delta_2", delta2), ("IC", ic),
        ])
    }

    /// The key, with every point checked and `IC` holding nPublic + 1 points.
    public func verificationKey(file: String = "verification_key.json") throws(CircomError) -> VerificationKey {
        try SnarkjsNames.checkProtocol(self.protocol, file: file)
        try SnarkjsNames.checkCurve(curve, file: file)
        guard nPublic >= 0, ic.count == nPublic + 1 else {
            throw .invalidJSONValue(
                file: file, field: "IC", reason: "\(ic.count) points for nPublic = \(nPublic) (expected nPublic + 1)")
        }
        var points: [G1Affine] = []
        for (i, p) in ic.enumerated() { points.append(try SnarkjsNames.g1(p, field: "IC[\(i)]", file: file)) }
        return VerificationKey(
            alpha1: try SnarkjsNames.g1(alpha1, field: "vk_alpha_1", file: file),
            beta2: try SnarkjsNames.g2(beta2, field: "vk_beta_2", file: file),
            gamma2: try SnarkjsNames.g2(gamma2, field: "vk_gamma_2", file: file),
            delta2: try SnarkjsNames.g2(delta2, field: "vk_delta_2", file: file),
            ic: points)
    }
}

extension VerificationKey {
    /// Parses snarkjs's verification_key.json.
    public init(snarkjsJSON data: Data, file: String = "verification_key.json") throws(CircomError) {
        self = try SnarkjsJSONLayout.decode(
            SnarkjsVerificationKey.self, from: data, file: file, what: "verification key"
        )
        .verificationKey(file: file)
    }

    /// Reads a verification_key.json file.
    public init(snarkjsJSONContentsOf url: URL) throws(CircomError) {
        try self.init(snarkjsJSON: try SnarkjsJSONLayout.read(url), file: url.path)
    }

    /// verification_key.json in snarkjs's layout (without `vk_alphabeta_12`).
    public var snarkjsJSON: Data { SnarkjsVerificationKey(self).snarkjsLayout }

    /// Writes verification_key.json.
    public func writeSnarkjsJSON(to url: URL) throws(CircomError) {
        try SnarkjsJSONLayout.write(snarkjsJSON, to: url)
    }
}
