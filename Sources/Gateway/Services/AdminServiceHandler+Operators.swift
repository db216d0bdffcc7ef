import Ethereum
import GRPCCore
import ProverNetAPI
import ProverNetCore
import Store
import SwiftProtobuf

/// The operators' allowlist, the standalone registry's stakes, and the operators' listing.
extension AdminServiceHandler {
    func registry() throws -> OperatorRegistry {
        guard let operators else {
            throw RPCError(code: .failedPrecondition, message: "this gateway's store keeps no operators")
        }
        return operators
    }

    static func address(_ text: String) throws -> Address {
        do { return try Address(text) } catch {
            throw RPCError(code: .invalidArgument, message: "operator address: \(error)")
        }
    }

    func allowOperator(request: Provernet_V1_AllowOperatorRequest, context: ServerContext) async throws
        -> Provernet_V1_AllowOperatorResponse
    {
        let operators = try registry()
        let address = try Self.address(request.address)
        guard request.name.count <= 200 else {
            throw RPCError(code: .invalidArgument, message: "an operator's name is at most 200 characters")
        }
        do {
            _ = try await operators.store.allowOperator(
                address: address.lowercased, name: request.name, actor: actor, atMillis: Clock.nowMillis())
        } catch {
            throw RPCError.from(error)
        }
        await operators.refresh(address)
        return .with { $0.address = address.checksummed }
    }

    func revokeOperator(request: Provernet_V1_RevokeOperatorRequest, context: ServerContext) async throws
        -> Provernet_V1_RevokeOperatorResponse
    {
        let operators = try registry()
        let address = try Self.address(request.address)
        do {
            try await operators.store.revokeOperator(
                address: address.lowercased, actor: actor, atMillis: Clock.nowMillis())
        } catch StoreError.missing {
            throw RPCError(code: .notFound, message: "no operator \(address) on the allowlist")
        } catch {
            throw RPCError.from(error)
        }
        // Its provers are suspended at once: they finish what they run and get nothing new.
        await operators.refresh(address)
        return .init()
    }

    func setOperatorStake(request: Provernet_V1_SetOperatorStakeRequest, context: ServerContext) async throws
        -> Provernet_V1_SetOperatorStakeResponse
    {
        let operators = try registry()
        guard operators.policy.source == .standalone else {
            throw RPCError(
                code: .failedPrecondition,
                message:
                    "stake is read from \(operators.policy.source.name) here: set-stake is for the standalone registry")
        }
        let address = try Self.address(request.address)
        let stake: UInt256
        do { stake = try UInt256(request.stake) } catch {
            throw RPCError(code: .invalidArgument, message: "stake: \(error)")
        }
        do {
            try await operators.store.setOperatorStake(
                address: address.lowercased, stake: stake.description, actor: actor, atMillis: Clock.nowMillis())
        } catch StoreError.missing {
            throw RPCError(code: .notFound, message: "no operator \(address) on the allowlist (allow-operator first)")
        } catch {
            throw RPCError.from(error)
        }
        await operators.refresh(address)
        return .init()
    }

    func revokeAuthorization(request: Provernet_V1_RevokeAuthorizationRequest, context: ServerContext) async throws
        -> Provernet_V1_RevokeAuthorizationResponse
    {
        let operators = try registry()
        let address = try Self.address(request.address)
        if Principal.current?.role == .operator,
            Principal.current?.operatorAddress?.lowercased() != address.lowercased
        {
            throw RPCError(
                code: .permissionDenied, message: "an operator key may revoke its own operator's authorizations only")
        }
        guard request.network == operators.policy.network else {
            throw RPCError(
                code: .invalidArgument,
                message: "the revocation is for network '\(request.network)', this is '\(operators.policy.network)'")
        }
        guard request.nonce < 1 << 53 else {
            throw RPCError(code: .invalidArgument, message: "an authorization's nonce is below 2^53")
        }
        guard request.reason.count <= 200 else {
            throw RPCError(code: .invalidArgument, message: "the reason is at most 200 characters")
        }
        let revocation = ProverAuthorizationRevocation(
            operator: address, network: request.network, nonce: request.nonce)
        let signer: Address
        do {
            var signed = revocation
            signed.signature = try Signature(hex: request.signature).hex
            signer = try signed.signer()
        } catch {
            throw RPCError(code: .invalidArgument, message: "the revocation's signature: \(error)")
        }
        guard signer == address else {
            throw RPCError(
                code: .permissionDenied,
                message: "the revocation is signed by \(signer.checksummed), not by the operator \(address.checksummed)"
            )
        }
        let earlier: AuthorizationRevocation?
        do {
            earlier = try await operators.store.authorizationRevocation(
                address: address.lowercased, nonce: request.nonce)
            _ = try await operators.store.revokeAuthorization(
                address: address.lowercased, nonce: request.nonce, reason: request.reason, actor: actor,
                atMillis: Clock.nowMillis())
        } catch {
            throw RPCError.from(error)
        }
        // Off the network at once, as a revoked prover is: its connection closes (its leases lapse and go back to
        // the market), and its next hello is refused for good.
        let provers = await operators.provers(of: address, nonce: request.nonce)
        for prover in provers { await coordinator.revoked(prover) }
        return .with {
            $0.newlyRevoked = earlier == nil
            $0.disconnectedProvers = provers.map(\.rawValue)
        }
    }

    func listOperators(request: Provernet_V1_ListOperatorsRequest, context: ServerContext) async throws
        -> Provernet_V1_ListOperatorsResponse
    {
        let operators = try registry()
        let views: [OperatorView]
        do { views = try await operators.view() } catch { throw RPCError.from(error) }
        // An operator key sees its own operator only.
        let own = Principal.current?.role == .operator ? Principal.current?.operatorAddress?.lowercased() ?? "" : nil
        let reputation = await coordinator.reputations(provers: [], operators: views.map(\.address.lowercased))
            .operators
        return .with { r in
            r.operators = views.filter { own == nil || $0.address.lowercased == own }.map { v in
                .with {
                    $0.address = v.address.checksummed
                    $0.name = v.name
                    $0.source = v.source
                    $0.registered = v.registered
                    $0.stake = v.stake.description
                    $0.minimumStake = v.minimum.description
                    $0.status = v.status.description
                    $0.provers = v.provers.map(\.rawValue)
                    $0.allowed = v.allowed
                    $0.reputation = reputation[v.address.lowercased] ?? 0
                }
            }
        }
    }
}
