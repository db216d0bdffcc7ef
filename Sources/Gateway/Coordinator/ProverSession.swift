import ProverNetAPI
import ProverNetCore

/// A connected prover, as the coordinator sees it: what it announced and measured, what it holds, and
/// the stream to it.
struct ProverSession: Sendable {
    let connection: UInt64
    let proverID: ProverID
    let name: String
    /// Jobs at once.
    let slots: Int
    let maxConstraints: UInt64
    let proofSystems: Set<String>
    /// Measured seconds per job, by class.
    let secondsPerJob: [String: Double]
    /// Price per job, by class; "*" for the rest.
    let ask: [String: Double]
    let outbound: AsyncStream<Provernet_V1_GatewayMessage>.Continuation
    /// The jobs it holds a lease on.
    var running: Set<JobID> = []
    var lastHeartbeatMillis: Int64
    var cpuLoad: Double = 0
    var memoryUsed: UInt64 = 0

    /// The free slots the prover last reported in a heartbeat (none while it drains; fewer if it runs jobs
    /// the gateway does not count, such as one taken up again after a restart); nil before its first.
    var reportedFreeSlots: Int?

    var freeSlots: Int { max(0, min(slots - running.count, reportedFreeSlots ?? slots)) }

    func canProve(_ jobClass: JobClass, domainSize: UInt64) -> Bool {
        // An aggregation's size is a count of proofs, not of constraints.
        proofSystems.contains(jobClass.proofSystem) && (jobClass.isAggregation || domainSize <= maxConstraints)
    }

    /// The prover's price for one job of the class: its price for that class if it named one, else its
    /// "*" price per unit of work (one 2^12 Groth16 proof) times the class's units.
    func askPrice(_ jobClass: JobClass) -> Double? {
        if let price = ask[jobClass.description] { return price }
        guard let perUnit = ask["*"] else { return nil }
        return perUnit * jobClass.workUnits
    }

    /// Measured seconds for the class, or a prediction from the nearest measured class.
    func seconds(_ jobClass: JobClass) -> Double {
        if let s = secondsPerJob[jobClass.description] { return s }
        let measured = secondsPerJob.compactMap { key, value in JobClass(key).map { ($0, value) } }
            .min { abs($0.0.log2Size - jobClass.log2Size) < abs($1.0.log2Size - jobClass.log2Size) }
        guard let (near, s) = measured else { return 60 }
        return s * jobClass.workUnits / near.workUnits
    }

    func send(_ message: Provernet_V1_GatewayMessage) { outbound.yield(message) }
}
