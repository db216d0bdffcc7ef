import Ethereum
import Foundation
import TestSupport
import Testing

/// Our signatures against eth-account's (Tests/Chain/crosscheck.py), in both directions and byte for byte:
/// the same key and message give the same EIP-191 and EIP-712 signatures (both are RFC 6979 deterministic), eth-account
/// recovers our signer, and we recover the signer of signatures eth-account made with keys of its own.
@Suite struct EthAccountCrossCheckTests {
    static let cases = 64

    @Test(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-account): run scripts/setup"))
    func signaturesAgreeWithEthAccountBothWays() throws {
        var random = SeededRandom.forTest()
        var keys = [PrivateKey]()
        var inputs = [[String: Any]]()
        var authorizations = [ProverAuthorization]()
        var messages = [[UInt8]]()
        for i in 0..<Self.cases {
            var key: PrivateKey?
            while key == nil {
                key = try? PrivateKey(rawBytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
            }
            let k = try #require(key)
            let message = (0..<(i * 13 % 200)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let authorization = ProverAuthorization(
                operator: k.address, proverKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) },
                network: "network-\(i)-ü", expiresAt: UInt64.random(in: 0...UInt64(UInt32.max), using: &random),
                nonce: UInt64.random(in: 0...(1 << 53 - 1), using: &random))
            keys.append(k)
            messages.append(message)
            authorizations.append(authorization)
            inputs.append([
                "key": Hex.encode(k.rawBytes), "message": Hex.encode(message),
                "authorization": [
                    "proverKey": authorization.proverKey, "network": authorization.network,
                    "expiresAt": Int(authorization.expiresAt), "nonce": Int(authorization.nonce),
                ],
                "personalSignature": try EIP191.sign(message: message, with: k).hex,
                "typedSignature": try authorization.signed(with: k).signature ?? "",
            ])
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eth-crosscheck-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.json")
        let output = directory.appendingPathComponent("out.json")
        try JSONSerialization.data(withJSONObject: inputs).write(to: input)
        let run = try CommandRun.run(
            EthereumPython.python, [EthereumPython.script("crosscheck.py").path, input.path, output.path])
        try #require(run.status == 0, "crosscheck.py failed: \(run.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let checked = try #require(answer["checked"] as? [[String: String]])
        try #require(checked.count == Self.cases)
        for (i, theirs) in checked.enumerated() {
            let address = keys[i].address.checksummed
            #expect(theirs["address"] == address)
            #expect(theirs["keccak"] == Hex.encode(Keccak256.hash(messages[i])))
            #expect(theirs["personalSignature"] == inputs[i]["personalSignature"] as? String, "EIP-191, case \(i)")
            #expect(theirs["typedSignature"] == inputs[i]["typedSignature"] as? String, "EIP-712, case \(i)")
            #expect(theirs["recoveredPersonal"] == address)
            #expect(theirs["recoveredTyped"] == address)
        }
        // Theirs, recovered here.
        let own = try #require(answer["own"] as? [[String: Any]])
        try #require(own.count == Self.cases)
        for (i, theirs) in own.enumerated() {
            let address = try Address(try #require(theirs["address"] as? String))
            let message = try Hex.decode(try #require(theirs["message"] as? String))
            let personal = try Signature(hex: try #require(theirs["personalSignature"] as? String))
            #expect(try EIP191.recover(message: message, signature: personal) == address, "case \(i)")
            let fields = try #require(theirs["authorization"] as? [String: Any])
            let authorization = ProverAuthorization(
                operator: address, proverKey: try Hex.decode(try #require(fields["proverKey"] as? String)),
                network: try #require(fields["network"] as? String),
                expiresAt: UInt64(try #require(fields["expiresAt"] as? Int)),
                nonce: UInt64(try #require(fields["nonce"] as? Int)),
                signature: try Signature(hex: try #require(theirs["typedSignature"] as? String)))
            #expect(try authorization.signer() == address, "case \(i)")
        }
    }
}
