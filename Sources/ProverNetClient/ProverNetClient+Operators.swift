import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProverNetCore

/// One operator as `admin operators` lists it.
public struct OperatorListing: Sendable, Equatable, Encodable {
    public var address: String
    public var name: String
    public var allowed: Bool
    /// "standalone" or "eigenlayer".
    public var source: String
    public var registered: Bool
    /// Decimal uint256.
    public var stake: String
    public var minimum: String
    /// "active" or "suspended: …".
    public var status: String
    /// Its connected provers' ids.
    public var provers: [String]
    /// Its reputation now, in 0…1, over all its provers' events (`docs/economics.md`).
    public var reputation: Double
}

extension ProverNetClient {
    /// The operators the gateway knows, with their source, registration, stake, the minimum and status.
    public func listOperators() async throws(ProverNetClientError) -> [OperatorListing] {
        let (options, admin) = (unaryOptions, self.admin)
        let response = try await call("ListOperators") { try await admin.listOperators(.init(), options: options) }
        return response.operators.map { o in
            OperatorListing(
                address: o.address, name: o.name, allowed: o.allowed, source: o.source, registered: o.registered,
                stake: o.stake, minimum: o.minimumStake, status: o.status, provers: o.provers,
                reputation: o.reputation)
        }
    }

    /// Allowlists an operator's address on a running gateway; returns the checksummed address.
    public func allowOperator(address: String, name: String, otp: String) async throws(ProverNetClientError)
        -> String
    {
        var message = Provernet_V1_AllowOperatorRequest()
        message.address = address
        message.name = name
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        return try await call("AllowOperator") {
            try await admin.allowOperator(sent, metadata: metadata, options: options)
        }.address
    }

    /// Revokes an operator on a running gateway (`notFound` for one it does not know).
    public func revokeOperator(address: String, otp: String) async throws(ProverNetClientError) {
        var message = Provernet_V1_RevokeOperatorRequest()
        message.address = address
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        _ = try await call("RevokeOperator") {
            try await admin.revokeOperator(sent, metadata: metadata, options: options)
        }
    }

    /// Sets an operator's stake in a running gateway's standalone registry (decimal uint256).
    public func setOperatorStake(address: String, stake: String, otp: String) async throws(ProverNetClientError) {
        var message = Provernet_V1_SetOperatorStakeRequest()
        message.address = address
        message.stake = stake
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        _ = try await call("SetOperatorStake") {
            try await admin.setOperatorStake(sent, metadata: metadata, options: options)
        }
    }

    /// Revokes one of an operator's prover authorizations (by nonce) on a running gateway, with the operator's
    /// EIP-712 signature of the revocation. Returns whether it was newly revoked and the provers disconnected.
    public func revokeAuthorization(
        address: String, network: String, nonce: UInt64, signature: String, reason: String
    ) async throws(ProverNetClientError) -> (newlyRevoked: Bool, disconnected: [String]) {
        var message = Provernet_V1_RevokeAuthorizationRequest()
        message.address = address
        message.network = network
        message.nonce = nonce
        message.signature = signature
        message.reason = reason
        let (options, admin, sent) = (unaryOptions, self.admin, message)
        let response = try await call("RevokeAuthorization") {
            try await admin.revokeAuthorization(sent, options: options)
        }
        return (response.newlyRevoked, response.disconnectedProvers)
    }
}
