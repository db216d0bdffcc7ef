import ProverNetCore

/// What the web dashboard shows at one moment, as JSON (snake_case keys): the network at a glance, the
/// provers, recent requests with their jobs' timelines, recent auction rounds, and the prices of recent
/// trades. Money is given exactly, as integer units (a millionth of a credit) and as the six-decimal text
/// the CLI prints. Every text in it may come from a stranger (a circuit's name, a failure's reason): the
/// page shows it as text, never as markup.
public struct DashboardSnapshot: Sendable, Codable, Equatable {
    public struct Network: Sendable, Codable, Equatable {
        public var proversOnline: Int
        public var slots: Int
        public var freeSlots: Int
        public var openRequests: Int
        public var pendingJobs: Int
        public var leasedJobs: Int
        /// Proofs the gateway has accepted, in all (the page turns two snapshots into proofs per second).
        public var proofsVerified: Int64
        /// Latency of the requests that ended done in the last hour, in seconds (nil without any).
        public var latencyP50Seconds: Double?
        public var latencyP95Seconds: Double?
        public var latencyP99Seconds: Double?
        public var clientChargesUnits: Int64
        public var proverPaymentsUnits: Int64
        public var networkFeesUnits: Int64
        public var clientCharges: String
        public var proverPayments: String
        public var networkFees: String
        public var databaseOK: Bool
    }

    public struct Queue: Sendable, Codable, Equatable {
        public var jobClass: String
        public var pending: Int
        public var oldestPendingSeconds: Double
    }

    public struct Prover: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        /// `proving`, `idle`, `offline` or `revoked`.
        public var state: String
        public var slots: Int?
        public var freeSlots: Int?
        public var runningJobs: Int?
        public var cpuLoad: Double?
        public var memoryUsedBytes: UInt64?
        public var maxConstraints: UInt64?
        public var proofSystems: [String]
        public var verified: Int64
        public var rejected: Int64
        public var failed: Int64
        public var lost: Int64
        /// Accepted proofs over every job it finished or lost (1 with none yet).
        public var successRate: Double
        /// Its reputation now, in 0…1, as the market is given it (`docs/economics.md`, *Reputation*).
        public var reputation: Double
        public var earnedUnits: Int64
        public var earned: String
        public var lastSeenMillis: Int64?
        /// Its last verdicts, newest first (since the gateway started).
        public var recentVerdicts: [Verdict]
    }

    public struct Verdict: Sendable, Codable, Equatable {
        public var job: String
        public var accepted: Bool
        public var reason: String
        public var atMillis: Int64
    }

    public struct RequestRow: Sendable, Codable, Equatable {
        public var id: String
        public var circuit: String
        public var circuitName: String
        public var state: String
        public var reason: String
        public var inputs: Int
        public var verified: Int
        public var createdMillis: Int64
        public var finishedMillis: Int64?
        public var jobs: [JobRow]
    }

    public struct JobRow: Sendable, Codable, Equatable {
        public var index: Int
        public var replica: Int
        public var kind: String
        public var state: String
        public var prover: String?
        public var epoch: Int64
        public var attempts: Int
        /// When its current (or accepted) lease was granted, and when its proof was accepted.
        public var grantedMillis: Int64?
        public var verifiedMillis: Int64?
        public var priceUnits: Int64?
        public var price: String?
        public var lastError: String?
    }

    public struct RoundRow: Sendable, Codable, Equatable {
        public var jobClass: String
        public var atMillis: Int64
        public var bids: Int
        public var asks: Int
        public var jobsMatched: Int
        /// The round's bids and asks, and its outcome, in the market's own JSON.
        public var roundJSON: String
        public var outcomeJSON: String
        /// The prover's price per job of the round's trades, if it had any.
        public var priceUnits: Int64?
        public var price: String?
    }

    public struct Trade: Sendable, Codable, Equatable {
        public var jobClass: String
        public var atMillis: Int64
        public var priceUnits: Int64
        public var price: String
    }

    public var atMillis: Int64
    public var version: String
    public var network: Network
    public var queues: [Queue]
    public var provers: [Prover]
    public var requests: [RequestRow]
    public var rounds: [RoundRow]
    public var trades: [Trade]
}
