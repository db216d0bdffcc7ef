import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore

/// FOR TESTING THE GATEWAY ONLY: the proofs a cheating prover sends (`--misbehave`), so that tests show
/// that the gateway refuses what it must refuse.
extension Groth16ProofSystem {
    /// The proof with its A replaced by another valid curve point (A + G): it decodes, but does not verify.
    public func tampered(_ payload: ProofPayload) -> ProofPayload? {
        guard let json = payload.proofJSON, var proof = try? Proof(snarkjsJSON: Data(json.utf8)) else { return nil }
        proof.a = (G1Jacobian(proof.a) + G1Jacobian.generator).toAffine()
        var changed = payload
        changed.proofJSON = String(decoding: proof.snarkjsJSON, as: UTF8.self)
        return changed
    }

    /// x + 1 for a synthetic circuit, the first number in the input JSON plus 1 for a circom circuit: the
    /// proof verifies, but its public signals are not the job's.
    public func otherInput(_ inputJSON: String, circuitKind: CircuitKind) -> String? {
        switch circuitKind {
        case .synthetic: Self.incrementX(inputJSON)
        case .circom: Self.incrementFirstNumber(inputJSON)
        default: nil
        }
    }

    /// `{"x": x + 1, "y": y}` for a synthetic circuit's input.
    static func incrementX(_ json: String) -> String? {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return nil
        }
        let text: String? =
            switch object["x"] {
            case let string as String: string
            case let number as NSNumber: number.stringValue
            default: nil
            }
        guard let text, let next = incremented(text) else { return nil }
        object["x"] = next
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Adds one to the first number in a JSON text, written as a JSON integer or a string of decimal
    /// digits, that is a value and not a key (for `{"x": "3", "y": "11"}`, x).
    static func incrementFirstNumber(_ json: String) -> String? {
        let bytes = Array(json.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                // A string: find its end, then whether it is a key (followed by ':').
                var end = i + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard end < bytes.count else { return nil }
                var after = end + 1
                while after < bytes.count, bytes[after] == 0x20 || bytes[after] == 0x0A || bytes[after] == 0x09 {
                    after += 1
                }
                let content = bytes[(i + 1)..<end]
                let isKey = after < bytes.count && bytes[after] == UInt8(ascii: ":")
                if !isKey, !content.isEmpty, content.allSatisfy({ (48...57).contains($0) }),
                    let next = incremented(String(decoding: content, as: UTF8.self))
                {
                    return String(decoding: bytes[..<(i + 1)], as: UTF8.self) + next
                        + String(decoding: bytes[end...], as: UTF8.self)
                }
                i = end + 1
            } else if (48...57).contains(c) {
                var end = i
                while end < bytes.count, (48...57).contains(bytes[end]) { end += 1 }
                guard let next = incremented(String(decoding: bytes[i..<end], as: UTF8.self)) else { return nil }
                return String(decoding: bytes[..<i], as: UTF8.self) + next
                    + String(decoding: bytes[end...], as: UTF8.self)
            } else {
                i += 1
            }
        }
        return nil
    }

    private static func incremented(_ decimal: String) -> String? {
        guard let value = try? Fr(string: decimal) else { return nil }
        return (value + .one).decimal
    }
}
