import ArgumentParser
import Ethereum
import Foundation
import ProverNetClient

/// `provernet operator`: an operator's Ethereum key and its EIP-712 authorizations of prover keys.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Make an operator's Ethereum key, sign authorizations of its provers' keys, see its earnings.",
        subcommands: [
            OperatorKeyCommand.self, OperatorAuthorizeCommand.self, OperatorRevokeCommand.self,
            OperatorEarningsCommand.self,
        ])
}

/// `provernet operator key --key FILE [--import-hex HEX]`.
struct OperatorKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create an operator's secp256k1 key (or import one) and print its address.",
        discussion: """
            Writes 64 hex digits to FILE with mode 0600 and refuses to overwrite an existing file. Prints \
            {"address": "0x…"} (EIP-55). An existing key comes in with --import-hex, or from a version 3 \
            keystore (geth, Clef, eth-account; scrypt or PBKDF2) with --import-keystore and its password in \
            --keystore-password-file or $PROVERNET_KEYSTORE_PASSWORD. A key in a hardware wallet stays there: \
            use `operator authorize --typed-data`.
            """)

    @Option(help: "The key file to create.") var key: String
    @Option(help: "An existing private key, 64 hex digits (0x optional), instead of a fresh one.")
    var importHex: String?
    @Option(help: "An existing key's Web3 Secret Storage keystore (JSON, version 3).") var importKeystore: String?
    @Option(help: "A file holding the keystore's password (default: $PROVERNET_KEYSTORE_PASSWORD).")
    var keystorePasswordFile: String?

    func run() async throws {
        let imported = try badInputExits { () throws -> PrivateKey? in
            switch (importHex, importKeystore) {
            case (nil, nil): return nil
            case (let hex?, nil): return try PrivateKey(hex: hex)
            case (nil, let path?):
                guard let json = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("--import-keystore \(path): cannot read it")
                }
                let password: String
                if let file = keystorePasswordFile {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw ValidationError("--keystore-password-file \(file): cannot read it")
                    }
                    // One line; its newline is not part of the password (as geth's --password reads it).
                    password =
                        String(decoding: data, as: UTF8.self).split(
                            separator: "\n", maxSplits: 1, omittingEmptySubsequences: false
                        ).first.map(String.init) ?? ""
                } else if let value = ProcessInfo.processInfo.environment["PROVERNET_KEYSTORE_PASSWORD"] {
                    password = value
                } else {
                    throw ValidationError(
                        "--import-keystore needs its password: --keystore-password-file FILE or $PROVERNET_KEYSTORE_PASSWORD"
                    )
                }
                return try Keystore.decrypt(json, password: password)
            case (.some, .some): throw ValidationError("give --import-hex or --import-keystore, not both")
            }
        }
        let created = try badInputExits { try OperatorKeyFile.create(at: key, key: imported) }
        writeLine(#"{"address": "\#(created.address.checksummed)"}"#)
    }
}

/// `provernet operator authorize`: signs (or prepares for a wallet to sign) the EIP-712 authorization of one
/// prover key for one network.
struct OperatorAuthorizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorize",
        abstract: "Authorize a prover's key for a network with an EIP-712 signature of the operator's key.",
        discussion: """
            With --key, signs and writes the authorization file (-o, or standard output). With --typed-data, \
            prints the typed data for a wallet's eth_signTypedData_v4 instead (give --operator, and keep the \
            printed expiresAt and nonce); then --signature 0x… with the same --operator, --expires-at and \
            --nonce assembles the file from the wallet's signature (checked to recover to the operator).
            """)

    @Option(help: "The operator's key file (`provernet operator key`).") var key: String?
    @Option(help: "The operator's address, when the key is in a wallet (with --typed-data or --signature).")
    var `operator`: String?
    @Option(help: "The prover's Ed25519 public key, 64 hex digits (`provernet prover key` prints it).")
    var proverPublicKey: String
    @Option(help: "The network's name, as its gateway's --network says.") var network: String
    @Option(help: "Days until the authorization expires.") var expiresDays: Int = 30
    @Option(help: "The expiry as seconds since 1970 (overrides --expires-days).") var expiresAt: UInt64?
    @Option(help: "The authorization's nonce (random when absent; below 2^53).") var nonce: UInt64?
    @Flag(help: "Print the EIP-712 typed data for a wallet to sign instead of signing.") var typedData = false
    @Option(help: "A wallet's signature of the typed data, 0x and 130 hex digits.") var signature: String?
    @Option(name: .shortAndLong, help: "Where to write the authorization (default: standard output).")
    var output: String?

    func run() async throws {
        let text = try badInputExits { () throws -> String in
            let proverKey = try Hex.decode(proverPublicKey, count: 32)
            guard !network.isEmpty else { throw ValidationError("--network must name the network") }
            guard (1...3650).contains(expiresDays) else { throw ValidationError("--expires-days must be 1 to 3650") }
            let signingKey = try key.map(OperatorKeyFile.load)
            let operatorAddress = try operatorAddress(key: signingKey, given: self.operator)
            let expiry = expiresAt ?? UInt64(Date().timeIntervalSince1970) + UInt64(expiresDays) * 86_400
            let nonce = self.nonce ?? UInt64.random(in: 1..<(1 << 53))
            guard nonce < 1 << 53, expiry < 1 << 53 else {
                throw ValidationError("--nonce and --expires-at must be below 2^53 (wallets read them as JSON numbers)")
            }
            let unsigned = ProverAuthorization(
                operator: operatorAddress, proverKey: proverKey, network: network, expiresAt: expiry, nonce: nonce)
            if typedData { return unsigned.typedData.json() }
            if let signature {
                guard self.nonce != nil, expiresAt != nil else {
                    throw ValidationError("--signature needs the --nonce and --expires-at of the typed data it signed")
                }
                var signed = unsigned
                signed.signature = try Signature(hex: signature).hex
                let signer = try signed.signer()
                guard signer == operatorAddress else {
                    throw ValidationError("the signature recovers to \(signer), not the operator \(operatorAddress)")
                }
                return signed.json()
            }
            guard let signingKey else { throw ValidationError("give --key to sign, or --typed-data / --signature") }
            return try unsigned.signed(with: signingKey).json()
        }
        if let output {
            try badInputExits { try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output)) }
            note("wrote \(output)")
        } else {
            writeLine(text)
        }
    }
}

/// `provernet operator revoke`: revokes one authorization, by its nonce, with the operator's signature.
struct OperatorRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one prover authorization (by its nonce) on a running gateway.",
        discussion: """
            Signs the EIP-712 RevokeProverAuthorization(operator, network, nonce) with --key and sends it with an \
            API key of the operator's (or the administrator's). Provers connected with that authorization are \
            disconnected and refused from then on; other authorizations of the operator stay valid. With a \
            wallet: --typed-data prints the typed data to sign (with --operator), then --signature 0x… sends it. \
            The nonce is in the authorization file ("nonce").
            """)

    @Option(help: "The operator's key file (`provernet operator key`).") var key: String?
    @Option(help: "The operator's address, when the key is in a wallet (with --typed-data or --signature).")
    var `operator`: String?
    @Option(help: "The network's name, as its gateway's --network says.") var network: String
    @Option(help: "The nonce of the authorization to revoke.") var nonce: UInt64
    @Option(help: "Why, for the audit log.") var reason: String = ""
    @Flag(help: "Print the EIP-712 typed data for a wallet to sign instead of sending.") var typedData = false
    @Option(help: "A wallet's signature of the typed data, 0x and 130 hex digits.") var signature: String?
    @OptionGroup var gateway: ClientGatewayOptions

    func run() async throws {
        let revocation = try badInputExits { () throws -> ProverAuthorizationRevocation in
            guard !network.isEmpty else { throw ValidationError("--network must name the network") }
            guard nonce < 1 << 53 else { throw ValidationError("--nonce is below 2^53") }
            let signingKey = try key.map(OperatorKeyFile.load)
            let address = try operatorAddress(key: signingKey, given: self.operator)
            let unsigned = ProverAuthorizationRevocation(operator: address, network: network, nonce: nonce)
            if typedData { return unsigned }
            if let signature {
                var signed = unsigned
                signed.signature = try Signature(hex: signature).hex
                let signer = try signed.signer()
                guard signer == address else {
                    throw ValidationError("the signature recovers to \(signer), not the operator \(address)")
                }
                return signed
            }
            guard let signingKey else { throw ValidationError("give --key to sign, or --typed-data / --signature") }
            return try unsigned.signed(with: signingKey)
        }
        if typedData {
            writeLine(revocation.typedData.json())
            return
        }
        let (sent, why) = (revocation, reason)
        let result = try await gateway.withClient { client in
            try await client.revokeAuthorization(
                address: sent.operator.checksummed, network: sent.network, nonce: sent.nonce,
                signature: sent.signature ?? "", reason: why)
        }
        let provers = result.disconnected.map { "\"\($0)\"" }.joined(separator: ",")
        writeLine(
            #"{"operator":"\#(sent.operator.checksummed)","nonce":\#(sent.nonce),"revoked":true,"#
                + #""newly":\#(result.newlyRevoked),"disconnected":[\#(provers)]}"#)
    }
}

/// The operator's address from `--key` and/or `--operator` (which must agree when both are given).
func operatorAddress(key: PrivateKey?, given: String?) throws -> Address {
    switch (key, given) {
    case (let k?, nil): return k.address
    case (let k?, let given?):
        let address = try Address(given)
        guard address == k.address else {
            throw ValidationError("--operator \(given) is not the address of --key (\(k.address))")
        }
        return address
    case (nil, let given?): return try Address(given)
    case (nil, nil): throw ValidationError("give --key, or --operator with --typed-data or --signature")
    }
}
