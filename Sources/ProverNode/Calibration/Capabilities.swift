import ProverNetAPI
import ProverNetCore

/// What a prover can do, measured by `Calibration` on start and announced in its hello.
public struct Capabilities: Sendable, Equatable {
    public var proofSystems: [String]
    /// The largest circuit, in constraints, that one job can hold in this machine's memory.
    public var maxConstraints: UInt64
    public var slots: Int
    public var cores: Int
    public var memoryBytes: UInt64
    /// Predicted seconds per job, by job class.
    public var secondsPerJob: [JobClass: Double]
    /// The measurement behind the predictions: one proof of a synthetic circuit of `measuredDomainSize`.
    public var measuredSeconds: Double
    public var measuredDomainSize: UInt64

    public init(
        proofSystems: [String], maxConstraints: UInt64, slots: Int, cores: Int, memoryBytes: UInt64,
        secondsPerJob: [JobClass: Double], measuredSeconds: Double, measuredDomainSize: UInt64
    ) {
        self.proofSystems = proofSystems
        self.maxConstraints = maxConstraints
        self.slots = slots
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.secondsPerJob = secondsPerJob
        self.measuredSeconds = measuredSeconds
        self.measuredDomainSize = measuredDomainSize
    }

    /// The capabilities as the hello carries them.
    public var message: Provernet_V1_Capabilities {
        var message = Provernet_V1_Capabilities()
        message.proofSystems = proofSystems
        message.maxConstraints = maxConstraints
        message.slots = UInt32(clamping: slots)
        message.cores = UInt32(clamping: cores)
        message.memoryBytes = memoryBytes
        message.secondsPerJob = Dictionary(uniqueKeysWithValues: secondsPerJob.map { ($0.key.description, $0.value) })
        return message
    }
}
