import Foundation

/// An operator's EIP-712 revocation of one of its prover authorizations, named by its nonce: what
/// `provernet operator revoke` sends. The typed data is
/// `RevokeProverAuthorization(address operator,string network,uint64 nonce)` in the authorizations' domain
/// (`{name: "ProverNet", version: "1"}`), so a hardware wallet can sign it too. Only the operator's own key can
/// make one, so the gateway takes it from any key of the operator's or the administrator's.
public struct ProverAuthorizationRevocation: Sendable, Equatable, Codable {
    public var `operator`: Address
    public var network: String
    public var nonce: UInt64
    /// The operator's signature, `0x` and 130 hex digits; nil in typed data not yet signed.
    public var signature: String?

    public init(operator: Address, network: String, nonce: UInt64, signature: Signature? = nil) {
        self.operator = `operator`
        self.network = network
        self.nonce = nonce
        self.signature = signature?.hex
    }

    /// The typed data that is signed.
    public var typedData: TypedData {
        TypedData(
            types: [
                "EIP712Domain": [.init(name: "name", type: "string"), .init(name: "version", type: "string")],
                "RevokeProverAuthorization": [
                    .init(name: "operator", type: "address"), .init(name: "network", type: "string"),
                    .init(name: "nonce", type: "uint64"),
                ],
            ],
            primaryType: "RevokeProverAuthorization",
            domain: [
                "name": .string(ProverAuthorization.domainName), "version": .string(ProverAuthorization.domainVersion),
            ],
            message: [
                "operator": .string(`operator`.checksummed), "network": .string(network),
                "nonce": .integer(Int64(clamping: nonce)),
            ])
    }

    /// Signs with the operator's key (which must be the operator's).
    public func signed(with key: PrivateKey) throws(EthereumError) -> ProverAuthorizationRevocation {
        guard key.address == `operator` else {
            throw .invalidSignature("the key's address \(key.address) is not the operator \(`operator`)")
        }
        var copy = self
        copy.signature = try typedData.sign(with: key).hex
        return copy
    }

    /// The address the signature recovers to.
    public func signer() throws(EthereumError) -> Address {
        guard let signature else { throw .invalidSignature("the revocation is not signed") }
        return try typedData.recover(try Signature(hex: signature))
    }
}
