import BN254
import Groth16

/// The arguments of a snarkjs-generated Solidity verifier's `verifyProof`, exactly as
/// `snarkjs zkey export soliditycalldata public.json proof.json` prints them (src/groth16_exportsoliditycalldata.js):
///
///     ["0xa.x", "0xa.y"],[["0xb.x.c1", "0xb.x.c0"],["0xb.y.c1", "0xb.y.c0"]],["0xc.x", "0xc.y"],["0xs0","0xs1"]
///
/// Each number is a 0x-prefixed, zero-padded 32-byte lowercase hex word; G2 comes imaginary part first, as
/// EIP-197 wants. (The CLI adds a newline when it prints it.)
public enum SolidityCalldata {
    public static func format(proof: Proof, publicSignals: [Fr]) -> String {
        func word(_ x: Fq) -> String { hex(x.bigEndianBytes) }
        // The point at infinity is (0, 0) in Ethereum's encoding.
        func g1(_ p: G1Affine) -> String {
            p.isInfinity ? "[\(hex(zero)), \(hex(zero))]" : "[\(word(p.x)), \(word(p.y))]"
        }
        let b = proof.b
        let g2 =
            b.isInfinity
            ? "[[\(hex(zero)), \(hex(zero))],[\(hex(zero)), \(hex(zero))]]"
            : "[[\(word(b.x.c1)), \(word(b.x.c0))],[\(word(b.y.c1)), \(word(b.y.c0))]]"
        let inputs = publicSignals.map { hex($0.bigEndianBytes) }.joined(separator: ",")
        return "\(g1(proof.a)),\(g2),\(g1(proof.c)),[\(inputs)]"
    }

    private static let zero = [UInt8](repeating: 0, count: 32)

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = Array("\"0x".utf8)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
