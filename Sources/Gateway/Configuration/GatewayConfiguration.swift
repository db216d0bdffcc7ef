import Foundation
import ProverNetCore

/// Everything the gateway can be told, with documented defaults. Read from a JSON file, environment
/// variables and flags by the `provernet gateway` command, validated once at start.
public struct GatewayConfiguration: Sendable {
    /// Where the database (`gateway.sqlite`, unless the gateway is on PostgreSQL) and the artifacts
    /// (`artifacts/`, unless `sharedArtifactsDirectory`) live, and the gateway's own files (TLS, admin token).
    public var dataDirectory: String
    /// The address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).
    public var host: String = "127.0.0.1"
    /// The port to listen on (default 7443; 0 picks a free one, reported at start).
    public var port: Int = 7443
    /// The TLS certificate chain and private key (PEM). With `developmentTLS`, a development CA and a
    /// certificate are made in the data directory if these are nil: it names localhost, the loopback
    /// addresses, `host` (every address of the machine when `host` is 0.0.0.0 or ::) and `tlsNames`.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var developmentTLS: Bool = false
    /// With a CA (PEM), provers connect to their own port, `proverPort`, where a TLS client certificate
    /// signed by this CA is mandatory (beside their Ed25519 key); the main port then serves clients and
    /// administrators only. Nil (the default): provers use the main port, and present no certificate.
    public var proverClientCAPath: String?
    /// The prover port with `proverClientCAPath` (default 7444; 0 picks a free one, reported at start).
    public var proverPort: Int = 7444
    /// More DNS names or addresses for the development certificate to carry (default none): the names by
    /// which provers on other machines reach the gateway (`--tls-name gateway.example.org`).
    public var tlsNames: [String] = []
    /// The longest time between two market rounds per job class. A round also runs at once when something
    /// changes that could make a trade (a request arrives, a job returns to the market, a prover connects
    /// or frees a slot), so a free prover does not wait for the tick.
    public var roundInterval: Duration = .milliseconds(250)
    /// How often provers send heartbeats.
    public var heartbeatInterval: Duration = .seconds(2)
    /// A lease not extended by a heartbeat for this many intervals ends and its job returns to the market.
    public var leaseHeartbeats: Int = 4
    /// Failed attempts (rejected proofs, reported failures) after which a job fails its request.
    public var maxAttempts: Int = 3
    /// The default deadline of a request that gives none.
    public var defaultDeadlineSeconds: Int = 3600
    /// The network's reserve price per unit of work (one 2^12 Groth16 proof): the ask that the market
    /// always has. It sets the price when provers are scarce (a truthful double auction cannot trade with
    /// a single seller otherwise), and no client whose maximum price is below it is served at a scarce time;
    /// a prover whose cost is above it trades only against other provers. Provers ask 1.0 per unit by
    /// default, below this.
    public var reservePricePerUnit: Double = 2.0
    /// How long a graceful shutdown waits for running jobs to finish before handing them back.
    public var drainSeconds: Double = 30
    public var limits: NetworkLimits = .default
    /// What each API key and each address may do per second, and have open at once.
    public var access: AccessLimits = .default
    /// The SnarkPack reference string (`provernet snarkpack srs` from two .ptau files, or `snarkpack setup`
    /// for development) with which requests that ask for aggregation are aggregated. Without one, such
    /// requests are refused.
    public var snarkpackSRSPath: String?
    /// The gateway signs the head of its audit log every this many entries (and at shutdown).
    public var auditHeadEvery: Int64 = 1000
    /// The network's rules for operators (its name, registry, minimum stake and hardware).
    public var operators: OperatorPolicy = OperatorPolicy()
    /// What each lease bonds of its operator's stake (`docs/economics.md`).
    public var bonds: BondPolicy = BondPolicy()
    /// What a fault costs of a bond (`docs/economics.md`).
    public var slashes: SlashPolicy = SlashPolicy()
    /// The network's fee on operators' receipts when an epoch settles, in basis points (`docs/economics.md`,
    /// "Settlement"): 0…10 000, default `SettlementBuilder.defaultFeeBps` (500, 5 %).
    public var settlementFeeBps: Int = SettlementBuilder.defaultFeeBps
    /// How each prover's record becomes the reputation the market is given, and the floor (`docs/economics.md`).
    public var reputation: ReputationPolicy = ReputationPolicy()

    /// How results are verified: proofs of one circuit in batches of up to `maxBatch` (default 64, one random
    /// linear combination each), at most `slots` batches at once on threads of their own (default: the
    /// machine's cores; `--verify-batch`, `--verify-threads`).
    public var verification: VerificationBatcher.Settings = VerificationBatcher.Settings()

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("gateway.sqlite") }
    /// Where artifacts live, when not in the data directory (default nil: `DATA_DIR/artifacts`). Gateways that
    /// share one PostgreSQL must share their artifacts too: each names the same directory, on storage they all
    /// mount (docs/deployment.md). Artifacts are written once under their SHA-256 by an atomic rename, so
    /// gateways writing the same one at once agree.
    public var sharedArtifactsDirectory: String?
    public var artifactsDirectory: String {
        sharedArtifactsDirectory ?? (dataDirectory as NSString).appendingPathComponent("artifacts")
    }
    public var heartbeatMillis: Int64 {
        heartbeatInterval.components.seconds * 1000 + heartbeatInterval.components.attoseconds / 1_000_000_000_000_000
    }
    public var leaseMillis: Int64 { Int64(leaseHeartbeats) * heartbeatMillis }

    /// Checks the values once at start.
    public func validate() throws(GatewayError) {
        guard (0...65535).contains(port) else { throw .configuration("port \(port) is not in 0…65535") }
        guard (0...65535).contains(proverPort) else {
            throw .configuration("prover port \(proverPort) is not in 0…65535")
        }
        if let ca = proverClientCAPath, !FileManager.default.isReadableFile(atPath: ca) {
            throw .configuration("cannot read the provers' client CA \(ca)")
        }
        guard leaseHeartbeats >= 1 else { throw .configuration("leaseHeartbeats must be at least 1") }
        guard maxAttempts >= 1 else { throw .configuration("maxAttempts must be at least 1") }
        guard (0...10_000).contains(settlementFeeBps) else {
            throw .configuration("settlementFeeBps \(settlementFeeBps) is not in 0…10000 basis points")
        }
        guard reservePricePerUnit > 0, reservePricePerUnit.isFinite else {
            throw .configuration("reservePricePerUnit must be a positive number")
        }
        guard access.callsPerSecond > 0, access.submissionsPerSecond > 0, access.callBurst >= 1,
            access.submissionBurst >= 1, access.maxOpenRequestsPerKey >= 1, access.maxInputsInFlightPerKey >= 1,
            access.failuresPerMinute >= 1
        else {
            throw .configuration("the access limits must be positive (bursts at least 1)")
        }
        guard (1...4096).contains(verification.maxBatch) else {
            throw .configuration("verification batches hold 1…4096 proofs, not \(verification.maxBatch)")
        }
        guard (1...1024).contains(verification.slots) else {
            throw .configuration("verification runs on 1…1024 threads, not \(verification.slots)")
        }
        if let problem = reputation.problems.first { throw .configuration("reputation: \(problem)") }
        guard developmentTLS || (tlsCertificatePath != nil && tlsKeyPath != nil) else {
            throw .configuration("TLS needs a certificate and a key (--tls-cert, --tls-key) or --dev-tls")
        }
    }
}
