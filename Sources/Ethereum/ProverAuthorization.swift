import Foundation

/// An operator's EIP-712 authorization of one prover key for one network until an expiry: what
/// `provernet operator authorize` writes and a prover presents in its hello. The typed data is
/// `ProverAuthorization(address operator,bytes32 proverKey,string network,uint64 expiresAt,uint64 nonce)` in the
/// domain `{name: "ProverNet", version: "1"}`, so a hardware wallet can sign the same JSON with
/// `eth_signTypedData_v4`.
public struct ProverAuthorization: Sendable, Equatable, Codable {
    /// The operator's address: the key that must have signed.
    public var `operator`: Address
    /// The prover's raw 32-byte Ed25519 public key, as hex.
    public var proverKey: String
    /// The network's name (the gateway's `--network`).
    public var network: String
    /// Seconds since 1970 after which the authorization no longer holds.
    public var expiresAt: UInt64
    /// A number chosen by the operator, so two authorizations of one key differ and one can be revoked.
    public var nonce: UInt64
    /// The operator's signature, `0x` and 130 hex digits; nil in typed data not yet signed.
    public var signature: String?

    public static let domainName = "ProverNet"
    public static let domainVersion = "1"

    public init(
        operator: Address, proverKey: [UInt8], network: String, expiresAt: UInt64, nonce: UInt64,
        signature: Signature? = nil
    ) {
        self.operator = `operator`
        self.proverKey = Hex.encode(proverKey)
        self.network = network
        self.expiresAt = expiresAt
        self.nonce = nonce
        self.signature = signature?.hex
    }

    /// The typed data that is signed.
    public var typedData: TypedData {
        TypedData(
            types: [
                "EIP712Domain": [.init(name: "name", type: "string"), .init(name: "version", type: "string")],
                "ProverAuthorization": [
                    .init(name: "operator", type: "address"), .init(name: "proverKey", type: "bytes32"),
                    .init(name: "network", type: "string"), .init(name: "expiresAt", type: "uint64"),
                    .init(name: "nonce", type: "uint64"),
                ],
            ],
            primaryType: "ProverAuthorization",
            domain: ["name": .string(Self.domainName), "version": .string(Self.domainVersion)],
            message: [
                "operator": .string(`operator`.checksummed), "proverKey": .string(proverKey),
                "network": .string(network), "expiresAt": .integer(Int64(clamping: expiresAt)),
                "nonce": .integer(Int64(clamping: nonce)),
            ])
    }

    /// Signs with the operator's key (which must be the operator's).
    public func signed(with key: PrivateKey) throws(EthereumError) -> ProverAuthorization {
        guard key.address == `operator` else {
            throw .invalidSignature("the key's address \(key.address) is not the operator \(`operator`)")
        }
        var copy = self
        copy.signature = try typedData.sign(with: key).hex
        return copy
    }

    /// The address the signature recovers to.
    public func signer() throws(EthereumError) -> Address {
        guard let signature else { throw .invalidSignature("the authorization is not signed") }
        return try typedData.recover(try Signature(hex: signature))
    }

    /// The prover key's bytes.
    public var proverKeyBytes: [UInt8]? { try? Hex.decode(proverKey, count: 32) }

    /// The file's JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads the file's JSON.
    public static func decode(_ data: Data) throws(EthereumError) -> ProverAuthorization {
        do { return try JSONDecoder().decode(ProverAuthorization.self, from: data) } catch {
            throw .typedData("not a prover authorization: \(error)")
        }
    }
}
