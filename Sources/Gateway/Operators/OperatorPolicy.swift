import Ethereum
import ProverNetCore

/// The network's rules for operators and their provers: its name (what authorizations name), whether a prover
/// must present an operator's authorization, where operators' registration and stake are read, the minimum
/// stake, and the minimum hardware of a prover. Every member is defaulted: a gateway without operators
/// configured accepts authorizations when presented but does not require them.
public struct OperatorPolicy: Sendable {
    /// Where operators' registration and stake come from.
    public enum Source: Sendable, Equatable {
        /// The gateway's own database, set by an administrator (`admin allow-operator`, `set-stake`).
        case standalone
        /// EigenLayer's contracts, read with `eth_call` through a JSON-RPC endpoint.
        case eigenLayer(EigenLayerSettings)

        public var name: String {
            switch self {
            case .standalone: "standalone"
            case .eigenLayer: "eigenlayer"
            }
        }
    }

    /// The network's name: an authorization for another network is refused.
    public var network: String = "devnet"
    /// Whether a prover without an operator's authorization is refused (else it needs only the prover allowlist).
    public var required: Bool = false
    public var source: Source = .standalone
    /// The minimum stake, in the source's smallest unit (shares for EigenLayer).
    public var minimumStake: UInt256 = .zero
    /// How often every known operator is read again (besides at each hello).
    public var refreshInterval: Duration = .seconds(30)
    /// How long the last known state of an operator holds while its source cannot be read; after that the
    /// registry fails closed (its provers are suspended).
    public var graceSeconds: Int64 = 300
    public var hardware: HardwareMinimum = HardwareMinimum()
    /// With the EigenLayer source: slashes sent to the chain after a veto window (nil: they stay in the ledger).
    public var slashing: ChainSlashing?

    public init() {}
}

/// The EigenLayer deployment the registry reads, and how the network's AVS registers operators.
public struct EigenLayerSettings: Sendable, Equatable {
    /// How operators register with the network's AVS.
    public enum Registration: Sendable, Equatable {
        /// The older way: `AVSDirectory.avsOperatorStatus(avs, operator)`; stake is the sum of
        /// `DelegationManager.getOperatorShares` over the strategies.
        case avsDirectory(Address)
        /// Operator sets: `AllocationManager.isMemberOfOperatorSet`; stake is the sum of `getAllocatedStake`.
        case operatorSet(allocationManager: Address, id: UInt32)
    }

    public var rpcURL: String
    public var delegationManager: Address
    public var avs: Address
    public var registration: Registration
    public var strategies: [Address]
    /// Seconds one JSON-RPC call may take.
    public var timeoutSeconds: Double = 5

    public init(
        rpcURL: String, delegationManager: Address, avs: Address, registration: Registration, strategies: [Address]
    ) {
        self.rpcURL = rpcURL
        self.delegationManager = delegationManager
        self.avs = avs
        self.registration = registration
        self.strategies = strategies
    }
}

/// The least a prover must have: cores, memory, and a calibrated time of a reference job class at most.
public struct HardwareMinimum: Sendable, Equatable {
    public var cores: Int = 0
    public var memoryBytes: UInt64 = 0
    /// The reference class and the most seconds per job the prover's calibration may show for it.
    public var referenceClass: JobClass?
    public var maxSecondsPerJob: Double?

    public init() {}

    /// Why a prover with these capabilities falls short, with the numbers; nil when it meets the minimum.
    public func shortfall(cores: Int, memoryBytes: UInt64, secondsPerJob: [JobClass: Double]) -> String? {
        if cores < self.cores { return "\(cores) cores, the network needs at least \(self.cores)" }
        if memoryBytes < self.memoryBytes {
            return "\(memoryBytes) bytes of memory, the network needs at least \(self.memoryBytes)"
        }
        if let referenceClass, let maxSecondsPerJob {
            guard let seconds = secondsPerJob[referenceClass] else {
                return
                    "no calibration of \(referenceClass), the network's reference class (run the prover with calibration)"
            }
            if seconds > maxSecondsPerJob {
                return
                    "\(seconds) s per \(referenceClass) job calibrated, the network needs at most \(maxSecondsPerJob) s"
            }
        }
        return nil
    }
}
