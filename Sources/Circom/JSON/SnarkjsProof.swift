import BN254
import Groth16

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Groth16 proof as snarkjs writes it (proof.json): `pi_a`, `pi_b`, `pi_c` as projective triples of decimal
/// strings, `protocol` "groth16", `curve` "bn128". rapidsnark leaves `curve` out, so it is optional here.
/// Being Codable, it can also sit inside other JSON documents.
public struct SnarkjsProof: Codable, Sendable, Equatable {
    public var piA: [String]
    public var piB: [[String]]
    public var piC: [String]
    public var `protocol`: String
    public var curve: String?

    enum CodingKeys: String, CodingKey {
        case piA = "pi_a"
        case piB = "pi_b"
        case piC = "pi_c"
        case `protocol`, curve
    }

    public init(piA: [String], piB: [[String]], piC: [String], protocol: String = "groth16", curve: String? = "bn128") {
        self.piA = piA
        self.piB = piB
        self.piC = piC
        self.protocol = `protocol`
        self.curve = curve
    }

    /// The JSON form of a proof (affine, z = 1).
    public init(_ proof: Proof) {
        self.init(piA: proof.a.snarkjs, piB: proof.b.snarkjs, piC: proof.c.snarkjs)
    }

    /// The JSON in snarkjs's member order and layout (`JSON.stringify(proof, null, 1)`); `curve` is left out
    /// when nil, as rapidsnark does.
    public var snarkjsLayout: Data {
        var members: [(key: String, value: any Encodable)] = [
            ("pi_a", piA), ("pi_b", piB), ("pi_c", piC), ("protocol", self.protocol),
        ]
        if let curve { members.append(("curve", curve)) }
        return SnarkjsJSONLayout.encodeObject(members)
    }

    /// The proof, with every point checked (range, curve, and G2's subgroup for `pi_b`).
    public func proof(file: String = "proof.json") throws(CircomError) -> Proof {
        try SnarkjsNames.checkProtocol(self.protocol, file: file)
        if let curve { try SnarkjsNames.checkCurve(curve, file: file) }
        return Proof(
            a: try SnarkjsNames.g1(piA, field: "pi_a", file: file),
            b: try SnarkjsNames.g2(piB, field: "pi_b", file: file),
            c: try SnarkjsNames.g1(piC, field: "pi_c", file: file))
    }
}

extension Proof {
    /// Parses snarkjs's (or rapidsnark's) proof.json.
    public init(snarkjsJSON data: Data, file: String = "proof.json") throws(CircomError) {
        self = try SnarkjsJSONLayout.decode(SnarkjsProof.self, from: data, file: file, what: "proof").proof(file: file)
    }

    /// Reads a proof.json file.
    public init(snarkjsJSONContentsOf url: URL) throws(CircomError) {
        try self.init(snarkjsJSON: try SnarkjsJSONLayout.read(url), file: url.path)
    }

    /// proof.json exactly as snarkjs lays it out.
    public var snarkjsJSON: Data { SnarkjsProof(self).snarkjsLayout }
}

/// The checks shared by the snarkjs JSON readers.
enum SnarkjsNames {
    static func checkProtocol(_ name: String, file: String) throws(CircomError) {
        guard name == "groth16" else {
            throw .invalidJSONValue(
                file: file, field: "protocol", reason: "\"\(name)\" is not supported; only \"groth16\" is")
        }
    }

    /// snarkjs calls BN254 "bn128"; "bn254" and "alt_bn128" are accepted as the same curve.
    static func checkCurve(_ name: String, file: String) throws(CircomError) {
        guard ["bn128", "bn254", "alt_bn128"].contains(name.lowercased()) else {
            throw .invalidJSONValue(
                file: file, field: "curve", reason: "\"\(name)\" is not supported; only BN254 (\"bn128\") is")
        }
    }

    static func g1(_ strings: [String], field: String, file: String) throws(CircomError) -> G1Affine {
        do {
            return try G1Affine(snarkjs: strings)
        } catch {
            throw .invalidJSONValue(file: file, field: field, reason: error.description)
        }
    }

    static func g2(_ strings: [[String]], field: String, file: String) throws(CircomError) -> G2Affine {
        do {
            return try G2Affine(snarkjs: strings)
        } catch {
            throw .invalidJSONValue(file: file, field: field, reason: error.description)
        }
    }
}

extension Proof {
    /// Writes proof.json in snarkjs's layout.
    public func writeSnarkjsJSON(to url: URL) throws(CircomError) {
        try SnarkjsJSONLayout.write(snarkjsJSON, to: url)
    }
}
