import ArgumentParser
import Ethereum
import Foundation

/// `provernet operator`: an operator's Ethereum key and its EIP-712 authorizations of prover keys.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Make an operator's Ethereum key and sign authorizations of its provers' keys.",
        subcommands: [OperatorKeyCommand.self, OperatorAuthorizeCommand.self])
}

/// `provernet operator key --key FILE [--import-hex HEX]`.
struct OperatorKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create an operator's secp256k1 key (or import one) and print its address.",
        discussion: """
            Writes 64 hex digits to FILE with mode 0600 and refuses to overwrite an existing file. Prints \
            {"address": "0x…"} (EIP-55). Keystore files (scrypt) cannot be imported: export the raw key with \
            --import-hex, or keep the key in a hardware wallet and use `operator authorize --typed-data`.
            """)

    @Option(help: "The key file to create.") var key: String
    @Option(help: "An existing private key, 64 hex digits (0x optional), instead of a fresh one.")
    var importHex: String?

    func run() async throws {
        let created = try badInputExits {
            try OperatorKeyFile.create(at: key, key: try importHex.map { try PrivateKey(hex: $0) })
        }
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
            let operatorAddress: Address
            switch (signingKey, self.operator) {
            case (let k?, nil): operatorAddress = k.address
            case (let k?, let given?):
                operatorAddress = try Address(given)
                guard operatorAddress == k.address else {
                    throw ValidationError("--operator \(given) is not the address of --key (\(k.address))")
                }
            case (nil, let given?): operatorAddress = try Address(given)
            case (nil, nil): throw ValidationError("give --key, or --operator with --typed-data or --signature")
            }
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
