import ProverNetCore

/// What a prover announces when it connects: who it is, what it proves, how fast, and at what price.
public struct ProverAnnouncement: Sendable, Equatable {
    public var id: ProverID
    public var name: String
    /// Jobs at once.
    public var slots: Int
    public var maxConstraints: UInt64
    public var proofSystems: Set<String>
    /// Measured seconds per job, by class.
    public var secondsPerJob: [JobClass: Double]
    /// Its price per unit of work (one 2^12 Groth16 proof) for classes it names no price for.
    public var askPerUnit: Amount?
    /// Its price per job, by class.
    public var askByClass: [JobClass: Amount]
    /// The operator that authorized it (lower-case address), whose stake bonds its jobs; nil for a prover the
    /// network allowlisted itself.
    public var operatorAddress: String?

    public init(
        id: ProverID, name: String, slots: Int, maxConstraints: UInt64, proofSystems: Set<String>,
        secondsPerJob: [JobClass: Double], askPerUnit: Amount?, askByClass: [JobClass: Amount],
        operatorAddress: String? = nil
    ) {
        self.operatorAddress = operatorAddress
        self.id = id
        self.name = name
        self.slots = max(1, slots)
        self.maxConstraints = maxConstraints
        self.proofSystems = proofSystems
        self.secondsPerJob = secondsPerJob
        self.askPerUnit = askPerUnit
        self.askByClass = askByClass
    }
}

/// A connected prover, as the job book sees it: what it announced, and what it holds and reports. The
/// stream to it is the coordinator's, not the book's.
public struct ConnectedProver: Sendable, Equatable {
    /// Which connection of the prover this is: a newer one replaces an older one.
    public var connection: UInt64
    public var announcement: ProverAnnouncement
    /// The jobs it holds a lease on.
    public var running: Set<JobID> = []
    public var lastHeartbeatMillis: Int64
    public var cpuLoad: Double = 0
    public var memoryUsed: UInt64 = 0
    /// The free slots the prover last reported in a heartbeat (none while it drains; fewer if it runs jobs
    /// the gateway does not count, such as one taken up again after a restart); nil before its first.
    public var reportedFreeSlots: Int?
    /// Why its operator is suspended, when it is: the prover keeps its connection and running leases but
    /// takes no new job until its operator is back in order.
    public var suspension: String?

    public init(connection: UInt64, announcement: ProverAnnouncement, connectedMillis: Int64) {
        self.connection = connection
        self.announcement = announcement
        self.lastHeartbeatMillis = connectedMillis
    }

    public var id: ProverID { announcement.id }

    public var freeSlots: Int {
        max(0, min(announcement.slots - running.count, reportedFreeSlots ?? announcement.slots))
    }

    /// Whether it proves the class: it announced the proof system, and a proving job fits its largest
    /// circuit (an aggregation's size is a count of proofs, not of constraints).
    func canProve(_ jobClass: JobClass, isAggregation: Bool) -> Bool {
        announcement.proofSystems.contains(jobClass.proofSystem)
            && (isAggregation || jobClass.size <= announcement.maxConstraints)
    }

    /// Its price for one job of the class, as the market's floating point (used inside a round only): the
    /// class's own, else its price per unit times the class's units.
    func askPrice(_ jobClass: JobClass, workUnits: Double) -> Double? {
        if let price = announcement.askByClass[jobClass] { return price.wholeUnits }
        return announcement.askPerUnit.map { $0.wholeUnits * workUnits }
    }

    /// Measured seconds for the class, or a prediction from the nearest measured class.
    func seconds(_ jobClass: JobClass, workUnits: (JobClass) -> Double) -> Double {
        if let s = announcement.secondsPerJob[jobClass] { return s }
        let nearest = announcement.secondsPerJob.min { a, b in
            (abs(a.key.log2Size - jobClass.log2Size), a.key) < (abs(b.key.log2Size - jobClass.log2Size), b.key)
        }
        guard let (near, s) = nearest else { return 60 }
        return s * workUnits(jobClass) / workUnits(near)
    }
}

/// What a prover's heartbeat says.
public struct HeartbeatReport: Sendable, Equatable {
    public var freeSlots: Int
    public var cpuLoad: Double
    public var memoryUsed: UInt64
    /// The jobs it is working on, with their progress.
    public var jobs: [ProgressReport]

    public init(freeSlots: Int, cpuLoad: Double = 0, memoryUsed: UInt64 = 0, jobs: [ProgressReport] = []) {
        self.freeSlots = freeSlots
        self.cpuLoad = cpuLoad
        self.memoryUsed = memoryUsed
        self.jobs = jobs
    }
}

/// A prover's progress on a job under a lease.
public struct ProgressReport: Sendable, Equatable {
    public var job: JobID
    public var epoch: Int64
    /// 0 … 1.
    public var fraction: Double
    public var stage: String

    public init(job: JobID, epoch: Int64, fraction: Double, stage: String) {
        self.job = job
        self.epoch = epoch
        self.fraction = fraction
        self.stage = stage
    }
}
