import GRPCCore
import ProverNetAPI
import Store

/// Which roles may call each RPC, and which need a one-time code. A method of the client or admin service
/// that is not in the table is refused (deny by default). The prover and artifact services are not held to
/// keys: a prover proves who it is with its Ed25519 key in its hello, and artifacts are addressed by
/// their SHA-256 (`docs/security.md`).
struct AccessPolicy: Sendable {
    struct Rule: Sendable {
        var roles: Set<AccessRole>
        /// An administrative change: it needs a current one-time code of the caller's TOTP secret.
        var needsOneTimeCode = false
        /// A submission: it also draws on the key's submission rate.
        var isSubmission = false
        /// A server stream: it ends when its key is revoked or expires.
        var isStream = false
    }

    enum Decision {
        /// Not held to keys.
        case open
        case rule(Rule)
        /// A held service's method with no rule.
        case denied
    }

    static let standard = AccessPolicy()

    let rules: [MethodDescriptor: Rule]
    let heldServices: Set<ServiceDescriptor> = [
        Provernet_V1_ClientService.descriptor, Provernet_V1_AdminService.descriptor,
    ]

    init() {
        typealias C = Provernet_V1_ClientService.Method
        typealias A = Provernet_V1_AdminService.Method
        let readers: Set<AccessRole> = [.client, .viewer, .admin]
        let listers: Set<AccessRole> = [.operator, .viewer, .admin]
        rules = [
            C.RegisterCircuit.descriptor: Rule(roles: [.client, .admin]),
            C.SubmitRequest.descriptor: Rule(roles: [.client, .admin], isSubmission: true),
            C.WatchRequest.descriptor: Rule(roles: readers, isStream: true),
            C.GetRequest.descriptor: Rule(roles: readers),
            C.CancelRequest.descriptor: Rule(roles: [.client, .admin]),
            C.GetBalance.descriptor: Rule(roles: readers),
            A.ListProvers.descriptor: Rule(roles: listers),
            A.ListJobs.descriptor: Rule(roles: listers),
            A.ListRounds.descriptor: Rule(roles: [.viewer, .admin]),
            A.ListKeys.descriptor: Rule(roles: [.viewer, .admin]),
            A.ListAuditEntries.descriptor: Rule(roles: [.admin]),
            A.AllowProver.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.RevokeProver.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.CreateKey.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.RevokeKey.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.ListOperators.descriptor: Rule(roles: listers),
            A.AllowOperator.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.RevokeOperator.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.SetOperatorStake.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            // The operator's own EIP-712 signature of the revocation is the authority (checked by the handler).
            A.RevokeAuthorization.descriptor: Rule(roles: [.operator, .admin]),
            A.CreditClient.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            A.ListAccounts.descriptor: Rule(roles: [.viewer, .admin]),
            A.Settle.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
            // An operator key sees only its own lines (the handler filters).
            A.ListSettlements.descriptor: Rule(roles: listers),
            A.ListSlashes.descriptor: Rule(roles: [.viewer, .admin]),
            A.CancelSlash.descriptor: Rule(roles: [.admin], needsOneTimeCode: true),
        ]
    }

    func decision(for method: MethodDescriptor) -> Decision {
        if let rule = rules[method] { return .rule(rule) }
        return heldServices.contains(method.service) ? .denied : .open
    }

    /// Whether refusals of an open method count against the caller's address: a prover's hello.
    func countsFailures(_ method: MethodDescriptor) -> Bool {
        method == Provernet_V1_ProverService.Method.Connect.descriptor
    }

    /// The roles as words, for a refusal: "the client or admin role".
    static func describe(_ roles: Set<AccessRole>) -> String {
        let names = roles.sorted().map(\.rawValue)
        let list = names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
        return "the \(list) role"
    }
}
