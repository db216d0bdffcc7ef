import Foundation
import ProverNetAPI
import ProverNetCore

/// A prover node's settings, each with its documented default; the command line reads them from flags,
/// environment (`PROVERNET_PROVER_*`) and a `--config` file, and `validate()` checks them once at start.
public struct ProverNodeConfiguration: Sendable {
    /// The gateways of the network to connect to, in order, each with the CA to trust for its TLS
    /// certificate (at least one): the node connects to the first, and whenever its stream is lost (the
    /// gateway died, cannot be reached, or closed it) it reconnects to the next, round-robin, with the
    /// back-off, keeping its leases as across a restart (the hello names the jobs it holds).
    public var gateways: [GatewayEndpoint]
    /// The first gateway (the only one, in the usual setting of one gateway).
    public var gateway: GatewayEndpoint {
        get { gateways[0] }
        set { gateways[0] = newValue }
    }
    /// Where the node keeps its artifact cache and its jobs' working files.
    public var dataDirectory: URL
    /// A human-readable name for the gateway's logs and listings (default: the host name).
    public var name: String
    /// How many jobs run at once (default 1).
    public var slots: Int
    /// Threads per job (default: cores / slots, at least 1).
    public var threadsPerJob: Int
    /// Price asked per unit of work (one 2^12 Groth16 proof) for any class not in `askByClass`: the "*"
    /// entry of the ask, which the gateway scales by each class's work units (default 1.0).
    public var ask: Amount
    /// Prices asked per job (not per unit) for specific classes, such as `groth16-bn254/2^16`.
    public var askByClass: [JobClass: Amount]
    /// How long running jobs may finish after SIGINT/SIGTERM before they are killed and handed back.
    public var drainSeconds: Double
    /// The niceness of worker processes, so that proving cannot starve the node's own heartbeats.
    public var workerNiceness: Int
    /// The command that starts a worker process (default: `prover worker --serve` of this process's own
    /// binary; see `WorkerCommand` for what the process must do).
    public var workerCommand: WorkerCommand
    /// log₂ of the synthetic circuit proven at start to measure speed (default 12).
    public var calibrationLog2Size: Int
    /// Bytes of memory per constraint assumed when computing the largest circuit the node can hold:
    /// about 1 KiB was measured at 2^18 with the key; twice that leaves room for the witness calculator.
    public var bytesPerConstraint: UInt64
    /// How long to wait before reconnecting after a dropped stream, doubling up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// When a job counts as stuck in the node's health: no progress for the larger of 60 s and 3 times
    /// its class's predicted time, by default.
    public var stuck: StuckPolicy
    /// FOR TESTING THE GATEWAY ONLY: make this prover cheat in a given way.
    public var misbehavior: Misbehavior?
    /// The operator's authorization of this prover's key (the JSON file `provernet operator authorize` wrote),
    /// sent in the hello; empty for none.
    public var operatorAuthorization = Data()

    public init(
        gateway: GatewayEndpoint,
        alternateGateways: [GatewayEndpoint] = [],
        dataDirectory: URL,
        name: String = ProcessInfo.processInfo.hostName,
        slots: Int = 1,
        threadsPerJob: Int? = nil,
        ask: Amount = 1,
        askByClass: [JobClass: Amount] = [:],
        drainSeconds: Double = 30,
        workerNiceness: Int = 10,
        workerCommand: WorkerCommand = .provernet(),
        calibrationLog2Size: Int = 12,
        bytesPerConstraint: UInt64 = 2048,
        initialBackoff: Duration = .milliseconds(200),
        maximumBackoff: Duration = .seconds(10),
        stuck: StuckPolicy = StuckPolicy(),
        misbehavior: Misbehavior? = nil
    ) {
        self.gateways = [gateway] + alternateGateways
        self.dataDirectory = dataDirectory
        self.name = name
        self.slots = slots
        self.threadsPerJob = threadsPerJob ?? max(1, SystemMetrics.cores / max(1, slots))
        self.ask = ask
        self.askByClass = askByClass
        self.drainSeconds = drainSeconds
        self.workerNiceness = workerNiceness
        self.workerCommand = workerCommand
        self.calibrationLog2Size = calibrationLog2Size
        self.bytesPerConstraint = bytesPerConstraint
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.stuck = stuck
        self.misbehavior = misbehavior
    }

    /// Checks every setting once, at start.
    public func validate() throws(ProverNodeError) {
        guard (1...256).contains(slots) else { throw .configuration("slots must be 1…256, not \(slots)") }
        guard (1...1024).contains(threadsPerJob) else {
            throw .configuration("threads per job must be 1…1024, not \(threadsPerJob)")
        }
        guard ask >= .zero else { throw .configuration("the ask must be a price ≥ 0, not \(ask)") }
        for (jobClass, price) in askByClass where price < .zero {
            throw .configuration("the ask for \(jobClass) must be a price ≥ 0, not \(price)")
        }
        guard drainSeconds.isFinite, drainSeconds >= 0 else {
            throw .configuration("drain seconds must be ≥ 0, not \(drainSeconds)")
        }
        guard (0...19).contains(workerNiceness) else {
            throw .configuration("worker niceness must be 0…19, not \(workerNiceness)")
        }
        try workerCommand.validate()
        guard (4...22).contains(calibrationLog2Size) else {
            throw .configuration("the calibration size must be 2^4…2^22, not 2^\(calibrationLog2Size)")
        }
        guard stuck.minimumSeconds.isFinite, stuck.minimumSeconds > 0 else {
            throw .configuration("stuck seconds must be > 0, not \(stuck.minimumSeconds)")
        }
        guard stuck.predictedMultiple.isFinite, stuck.predictedMultiple >= 0 else {
            throw .configuration("the stuck multiple of the predicted time must be ≥ 0, not \(stuck.predictedMultiple)")
        }
    }

    /// The ask as the hello carries it: "*" for the default, then one entry per listed class.
    public var askTable: [String: Amount] {
        var table = ["*": ask]
        for (jobClass, price) in askByClass { table[jobClass.description] = price }
        return table
    }

    /// Where downloaded artifacts are kept, by SHA-256.
    public var artifactsDirectory: URL { dataDirectory.appendingPathComponent("artifacts", isDirectory: true) }
    /// Where jobs keep their input and outputs while they run.
    public var jobsDirectory: URL { dataDirectory.appendingPathComponent("jobs", isDirectory: true) }
    /// Where the worker processes' standard error is kept.
    public var workersDirectory: URL { dataDirectory.appendingPathComponent("workers", isDirectory: true) }

    /// The running binary (`/proc/self/exe` on Linux): the default worker command runs its worker subcommand.
    public static var currentExecutable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }
}
