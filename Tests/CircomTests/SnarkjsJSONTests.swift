import BN254
import Circom
import Foundation
import Groth16
import TestSupport
import Testing

@Suite("snarkjs JSON")
struct SnarkjsJSONTests {
    @Test(
        "snarkjs's proof.json and public.json parse and re-encode byte for byte",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func proofAndPublicSignals() throws {
        guard let proofURL = TestData.file("snarkjs-groth16/proof.json"),
            let publicURL = TestData.file("snarkjs-groth16/public.json")
        else { return }
        let proof = try Proof(snarkjsJSONContentsOf: proofURL)
        let signals = try PublicSignals.read(publicURL)
        #expect(
            signals == [try Fr(string: "18630398846081570358266919481382955945076989170608567921689539672329067433281")]
        )
        #expect(
            proof.a.x
                == (try Fq(string: "19563053229779062043888607463719497491855470006940456572262413268776624425806")))
        #expect(proof.snarkjsJSON == (try Data(contentsOf: proofURL)))
        #expect(PublicSignals.encode(signals) == (try Data(contentsOf: publicURL)))
    }

    @Test(
        "rapidsnark's proof without \"curve\" is accepted; another curve or protocol is not",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func curveField() throws {
        guard let proofURL = TestData.file("snarkjs-groth16/proof.json") else { return }
        var json = try JSONDecoder().decode(SnarkjsProof.self, from: Data(contentsOf: proofURL))
        let proof = try json.proof()
        json.curve = nil
        let withoutCurve = try JSONEncoder().encode(json)
        #expect(!String(decoding: withoutCurve, as: UTF8.self).contains("curve"))
        #expect(try Proof(snarkjsJSON: withoutCurve) == proof)
        json.curve = "bls12381"
        #expect(
            throws: CircomError.invalidJSONValue(
                file: "p", field: "curve", reason: "\"bls12381\" is not supported; only BN254 (\"bn128\") is")
        ) {
            try json.proof(file: "p")
        }
        json.curve = "bn128"
        json.protocol = "plonk"
        #expect(throws: CircomError.self) { try json.proof() }
    }

    @Test(
        "a proof point off the curve, or a malformed proof, is a typed error",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func badProofs() throws {
        guard let proofURL = TestData.file("snarkjs-groth16/proof.json") else { return }
        var json = try JSONDecoder().decode(SnarkjsProof.self, from: Data(contentsOf: proofURL))
        json.piA[1] = "5"
        #expect {
            try json.proof(file: "p")
        } throws: { error in
            guard case .invalidJSONValue("p", "pi_a", _)? = error as? CircomError else { return false }
            return true
        }
        #expect {
            try Proof(snarkjsJSON: Data("{\"pi_a\": []}".utf8), file: "p")
        } throws: { error in
            guard case .invalidJSON("p", let reason)? = error as? CircomError else { return false }
            return reason.contains("pi_b")
        }
        #expect(throws: CircomError.self) { try Proof(snarkjsJSON: Data("not json".utf8)) }
    }

    @Test("a public signal ≥ r is .publicSignalOutOfRange; a non-number is .invalidJSONValue")
    func publicSignalRange() throws {
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        let below = "21888242871839275222246405745257275088548364400416034343698204186575808495616"
        #expect(try PublicSignals.decode(Data("[\"1\",\"\(below)\"]".utf8)) == [.one, -.one])
        #expect(throws: CircomError.publicSignalOutOfRange(file: "public.json", index: 1, value: r)) {
            try PublicSignals.decode(Data("[\"1\",\"\(r)\"]".utf8))
        }
        let huge = String(repeating: "9", count: 90)
        #expect(throws: CircomError.publicSignalOutOfRange(file: "public.json", index: 0, value: huge)) {
            try PublicSignals.decode(Data("[\"\(huge)\"]".utf8))
        }
        #expect {
            try PublicSignals.decode(Data("[\"12a\"]".utf8))
        } throws: { error in
            guard case .invalidJSONValue(_, "[0]", _)? = error as? CircomError else { return false }
            return true
        }
        #expect(throws: CircomError.self) { try PublicSignals.decode(Data("[1, 2]".utf8)) }
        #expect(PublicSignals.encode([]) == Data("[]".utf8))
    }

    @Test(
        "verification keys: each set's JSON parses, round-trips, and equals the zkey's",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: [
            "rapidsnark-multiplier/verification_key.json", "arkworks-mycircuit/verification_key.json",
            "zk-kit-groth16/index.json",
        ])
    func verificationKeys(path: String) throws {
        guard let url = TestData.file(path) else { return }
        let key = try VerificationKey(snarkjsJSONContentsOf: url)
        #expect(try VerificationKey(snarkjsJSON: key.snarkjsJSON) == key)
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("vk.json")
            try key.writeSnarkjsJSON(to: out)
            #expect(try VerificationKey(snarkjsJSONContentsOf: out) == key)
        }
        // Written in snarkjs's layout: snarkjs's own file minus vk_alphabeta_12.
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let written = try JSONSerialization.jsonObject(with: key.snarkjsJSON) as! [String: Any]
        #expect(Set(original.keys).subtracting(["vk_alphabeta_12"]) == Set(written.keys))
        #expect(
            String(decoding: key.snarkjsJSON, as: UTF8.self).hasPrefix(
                "{\n \"protocol\": \"groth16\",\n \"curve\": \"bn128\",\n \"nPublic\": "))
    }

    @Test(
        "a verification key with the wrong number of IC points is refused",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func verificationKeyCounts() throws {
        guard let url = TestData.file("rapidsnark-multiplier/verification_key.json") else { return }
        var json = try JSONDecoder().decode(SnarkjsVerificationKey.self, from: Data(contentsOf: url))
        json.nPublic = 2
        #expect {
            try json.verificationKey(file: "vk")
        } throws: { error in
            guard case .invalidJSONValue("vk", "IC", _)? = error as? CircomError else { return false }
            return true
        }
    }

    @Test(
        "the verification key exported from snarkjs-groth16's zkey writes and reads back",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func exportFromZKey() throws {
        guard let url = TestData.file("snarkjs-groth16/circuit.zkey") else { return }
        let key = try ZKeyFile(contentsOf: url).provingKey.verificationKey
        #expect(key.publicCount == 1)
        #expect(try VerificationKey(snarkjsJSON: key.snarkjsJSON) == key)
    }
}

@Suite("Solidity calldata")
struct SolidityCalldataTests {
    /// What `snarkjs zkey export soliditycalldata public.json proof.json` prints for snarkjs-groth16, computed
    /// independently from the decimal strings (Python: '"0x%064x"' % int(s)).
    static let expected =
        #"["0x2b404bb5a945a98c854fdaa66c6dfe80cbce8eb5843e84e8f8dd4472294d8b4e", "0x302e7f13e6ab4adc2ebd5dbad5a3f821846452b0895ea8cd4fe10ae8f734d7c5"],"#
        + #"[["0x231e1ed453007c3a1f59038fa7fc4e3b32613dd5ad5f6e0b7495d44d4eb35349", "0x0ebf193d3031f38b9d6734a7f0e2c10a1160d06dababa94e062dcad8642c3b0b"],"#
        + #"["0x16d0e7f3b8defbb6b0918c61e97d305b04f79190157229de14471096e98782ab", "0x1f1a5cb0638884e9153486e20f3e2603bd12c97a08d93a36d0c09c69da70e174"]],"#
        + #"["0x180e4e77e6d7162e88ad8a53da1e3a4527fe1b904c44cf288b633020b044ef15", "0x16dbc635052930997d858c35bb5eb3e0d08e4a0c4f1599790f6653a4079d6abd"],"#
        + #"["0x29306e9be57e23bd4e2272889892c9f78dfe082575106749a1372cea45f00d41"]"#

    @Test(
        "calldata for snarkjs-groth16 is exactly snarkjs's",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func snarkjsGroth16() throws {
        guard let proofURL = TestData.file("snarkjs-groth16/proof.json"),
            let publicURL = TestData.file("snarkjs-groth16/public.json")
        else { return }
        let calldata = SolidityCalldata.format(
            proof: try Proof(snarkjsJSONContentsOf: proofURL), publicSignals: try PublicSignals.read(publicURL))
        #expect(calldata == Self.expected)
    }

    @Test("several public signals are joined without spaces")
    func severalSignals() {
        let proof = Proof(a: .generator, b: .generator, c: .generator)
        let calldata = SolidityCalldata.format(proof: proof, publicSignals: [Fr(1), Fr(255)])
        #expect(
            calldata.hasPrefix(
                #"["0x0000000000000000000000000000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000000000000000000000000000002"],[["#
            ))
        #expect(
            calldata.hasSuffix(
                #"["0x0000000000000000000000000000000000000000000000000000000000000001","0x00000000000000000000000000000000000000000000000000000000000000ff"]"#
            ))
    }
}
