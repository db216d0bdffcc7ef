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
    /// Keystores that eth-account writes (scrypt at geth's standard N = 2^18 and a lighter one, PBKDF2) open here
    /// with their password, give eth-account's address, and refuse a wrong password, a changed ciphertext and
    /// absurd scrypt parameters with typed errors. The revocation's EIP-712 signature of eth-account is ours too.
    @Test(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-account): run scripts/setup"))
    func keystoresWrittenByEthAccountOpenAndRevocationsAgree() throws {
        let script = """
            import json, os, sys
            from eth_account import Account
            from eth_account.messages import encode_typed_data
            out = []
            for kdf, iterations in [("scrypt", None), ("scrypt", 1 << 14), ("pbkdf2", None), ("pbkdf2", 1000)]:
                key = os.urandom(32)
                password = "pässword-" + os.urandom(4).hex()
                store = Account.encrypt(key, password, kdf=kdf, iterations=iterations)
                out.append({"keystore": store, "password": password, "address": Account.from_key(key).address,
                            "key": key.hex()})
            key = os.urandom(32)
            account = Account.from_key(key)
            revocation = {
                "types": {
                    "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}],
                    "RevokeProverAuthorization": [{"name": "operator", "type": "address"},
                        {"name": "network", "type": "string"}, {"name": "nonce", "type": "uint64"}],
                },
                "primaryType": "RevokeProverAuthorization",
                "domain": {"name": "ProverNet", "version": "1"},
                "message": {"operator": account.address, "network": "mainnet", "nonce": 9007199254740991},
            }
            signature = account.sign_message(encode_typed_data(full_message=revocation)).signature.hex()
            print(json.dumps({"keystores": out, "revocation": {"key": key.hex(), "address": account.address,
                "signature": signature if signature.startswith("0x") else "0x" + signature}}))
            """
        let run = try CommandRun.run(EthereumPython.python, ["-c", script])
        try #require(run.status == 0, "eth-account failed: \(run.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let stores = try #require(answer["keystores"] as? [[String: Any]])
        try #require(stores.count == 4)
        for store in stores {
            let json = try JSONSerialization.data(withJSONObject: try #require(store["keystore"]))
            let password = try #require(store["password"] as? String)
            let key = try Keystore.decrypt(json, password: password)
            #expect(key.address.checksummed == store["address"] as? String)
            #expect(
                Hex.encode(key.rawBytes, prefixed: false)
                    == (store["key"] as? String)?.replacingOccurrences(of: "0x", with: ""))
            #expect(throws: KeystoreError.wrongPassword) { try Keystore.decrypt(json, password: password + "x") }
            var changed = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            var crypto = try #require(changed["crypto"] as? [String: Any])
            let ciphertext = try #require(crypto["ciphertext"] as? String)
            crypto["ciphertext"] = String(ciphertext.dropLast()) + (ciphertext.last == "0" ? "1" : "0")
            changed["crypto"] = crypto
            #expect(throws: KeystoreError.wrongPassword) {
                try Keystore.decrypt(try JSONSerialization.data(withJSONObject: changed), password: password)
            }
            if crypto["kdf"] as? String == "scrypt" {
                var params = try #require(crypto["kdfparams"] as? [String: Any])
                params["n"] = 1 << 24
                crypto["kdfparams"] = params
                changed["crypto"] = crypto
                #expect(throws: KeystoreError.self) {
                    try Keystore.decrypt(try JSONSerialization.data(withJSONObject: changed), password: password)
                }
            }
        }
        #expect(throws: KeystoreError.self) { try Keystore.decrypt(Data("{}".utf8), password: "") }
        // The command line: `operator key --import-keystore` with a password file (its newline is not the password).
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keystore-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = stores[1]
        let keystore = directory.appendingPathComponent("keystore.json")
        try JSONSerialization.data(withJSONObject: try #require(first["keystore"])).write(to: keystore)
        let passwordFile = directory.appendingPathComponent("password")
        try Data(((first["password"] as? String ?? "") + "\n").utf8).write(to: passwordFile)
        let keyFile = directory.appendingPathComponent("operator.key").path
        let imported = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "operator", "key", "--key", keyFile, "--import-keystore", keystore.path, "--keystore-password-file",
                passwordFile.path,
            ])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains(try #require(first["address"] as? String)), "\(imported.stdout)")
        try Data("wrong\n".utf8).write(to: passwordFile)
        let refused = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "operator", "key", "--key", keyFile + ".2", "--import-keystore", keystore.path,
                "--keystore-password-file", passwordFile.path,
            ])
        #expect(refused.status == 2 && refused.stderr.contains("wrong password"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: keyFile + ".2"))

        let revocation = try #require(answer["revocation"] as? [String: String])
        let key = try PrivateKey(hex: try #require(revocation["key"]))
        let ours = try ProverAuthorizationRevocation(operator: key.address, network: "mainnet", nonce: (1 << 53) - 1)
            .signed(with: key)
        #expect(ours.signature == revocation["signature"], "the same RFC 6979 signature")
        #expect(try ours.signer().checksummed == revocation["address"])
    }
}
