/// The proof systems a gateway or a prover node works with, handed to it at start by the composition root
/// (the `provernet` command registers Groth16 and SnarkPack). Everything the network does with a job's
/// proofs is looked up here by the job's class, kind or circuit kind.
public struct ProofSystemRegistry: Sendable {
    /// The systems, in the order they were given.
    public let systems: [any ProofSystem]

    /// The registry of `systems`; names, job kinds and circuit kinds must be unique.
    public init(_ systems: [any ProofSystem]) throws(ProverNetError) {
        var names: Set<String> = []
        var kinds: Set<String> = []
        var circuitKinds: Set<CircuitKind> = []
        for system in systems {
            guard names.insert(system.name).inserted else {
                throw .invalidCircuit(reason: "two proof systems are named \(system.name)")
            }
            guard kinds.insert(system.jobKind).inserted else {
                throw .invalidCircuit(reason: "two proof systems do jobs of kind \(system.jobKind)")
            }
            for kind in (system as? any CircuitProofSystem)?.circuitKinds ?? [] {
                guard circuitKinds.insert(kind).inserted else {
                    throw .invalidCircuit(reason: "two proof systems prove circuits of kind \(kind)")
                }
            }
        }
        self.systems = systems
    }

    /// The system whose job classes start with `name`.
    public func system(named name: String) -> (any ProofSystem)? { systems.first { $0.name == name } }

    /// The system that does jobs of `jobKind`.
    public func system(jobKind: String) -> (any ProofSystem)? { systems.first { $0.jobKind == jobKind } }

    /// The system of a job class.
    public func system(of jobClass: JobClass) -> (any ProofSystem)? { system(named: jobClass.proofSystem) }

    /// The circuit proof system that proves circuits of `kind`.
    public func circuitSystem(for kind: CircuitKind) -> (any CircuitProofSystem)? {
        for case let system as any CircuitProofSystem in systems where system.circuitKinds.contains(kind) {
            return system
        }
        return nil
    }

    /// The aggregation system for the proofs of the circuit system named `circuitSystem`, if any.
    public func aggregation(for circuitSystem: String) -> (any AggregationSystem)? {
        for case let system as any AggregationSystem in systems where system.aggregates == circuitSystem {
            return system
        }
        return nil
    }

    /// The first aggregation system, if the registry has one.
    public var aggregation: (any AggregationSystem)? {
        for case let system as any AggregationSystem in systems { return system }
        return nil
    }

    /// The circuit kinds the registry can prove.
    public var circuitKinds: [CircuitKind] {
        systems.flatMap { ($0 as? any CircuitProofSystem)?.circuitKinds ?? [] }
    }

    /// The estimated work of one job of a class, in units of one 2^12 Groth16 proof; nil for a class of
    /// no system here.
    public func workUnits(_ jobClass: JobClass) -> Double? {
        system(of: jobClass)?.workUnits(size: jobClass.size)
    }
}
