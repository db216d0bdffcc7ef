import Foundation
import Logging
import ProofSystems
import ProverNetAPI
import ProverNetCore
import SwiftProtobuf
import Testing

@testable import ProverNode

@Suite struct JobAssignmentTests {
    static let zkey = String(repeating: "ab", count: 32)
    static let wasm = String(repeating: "cd", count: 32)

    static func assignment(kind: Provernet_V1_CircuitKind, roles: [String]) -> Provernet_V1_Assignment {
        var message = Provernet_V1_Assignment()
        message.jobID = "req-1/0"
        message.epoch = 2
        message.circuitKind = kind
        message.constraints = 100
        message.inputJson = #"{"x": "1", "y": "2"}"#
        message.artifacts = roles.map { role in
            var reference = Provernet_V1_ArtifactRef()
            reference.role = role
            reference.sha256 = role == "zkey" ? zkey : wasm
            reference.size = 10
            return reference
        }
        return message
    }

    @Test func readsWhatItNeedsAndRefusesWhatItCannotProve() throws {
        let synthetic = try JobAssignment(Self.assignment(kind: .synthetic, roles: ["zkey"]), systems: .standard())
        #expect(synthetic.work.jobKind == "groth16.prove")
        #expect(synthetic.work.circuitKind == .synthetic && synthetic.work.constraints == 100)
        #expect(synthetic.work.inputJSON == #"{"x": "1", "y": "2"}"#)
        #expect(synthetic.work.artifact(.zkey)?.sha256 == Self.zkey && synthetic.work.artifact(.wasm) == nil)
        let circom = try JobAssignment(Self.assignment(kind: .circom, roles: ["zkey", "wasm"]), systems: .standard())
        #expect(circom.artifacts.map(\.role) == [.zkey, .wasm])
        #expect(
            throws: ProverNodeError.invalidAssignment(
                job: "req-1/0", reason: "a circom circuit needs its wasm artifact")
        ) {
            try JobAssignment(Self.assignment(kind: .circom, roles: ["zkey"]), systems: .standard())
        }
        #expect(throws: ProverNodeError.self) {
            try JobAssignment(Self.assignment(kind: .unspecified, roles: ["zkey"]), systems: .standard())
        }
        #expect(throws: ProverNodeError.self) {
            try JobAssignment(Self.assignment(kind: .synthetic, roles: ["r1cs"]), systems: .standard())
        }
        var badHash = Self.assignment(kind: .synthetic, roles: ["zkey"])
        badHash.artifacts[0].sha256 = "../x"
        #expect(throws: ProverNodeError.self) { try JobAssignment(badHash, systems: .standard()) }
    }

    @Test func readsAnAggregationJobAndRefusesOneThatLacksWhatItNeeds() throws {
        var message = Provernet_V1_Assignment()
        message.jobID = "req-1/8"
        message.jobKind = "snarkpack.aggregate"
        message.proofs = 8
        message.artifacts = ["srs", "verification_key", "proofs"].enumerated().map { index, role in
            var reference = Provernet_V1_ArtifactRef()
            reference.role = role
            reference.sha256 = String(repeating: String(index), count: 64)
            reference.size = 10
            return reference
        }
        let assignment = try JobAssignment(message, systems: .standard())
        #expect(assignment.work.jobKind == "snarkpack.aggregate" && assignment.work.proofs == 8)
        #expect(assignment.artifacts.map(\.role) == [.srs, .verificationKey, .proofs])
        #expect(assignment.artifacts.count == 3)
        var missing = message
        missing.artifacts.removeLast()
        #expect(
            throws: ProverNodeError.invalidAssignment(
                job: "req-1/8", reason: "an aggregation job needs srs, verification_key and proofs artifacts")
        ) {
            try JobAssignment(missing, systems: .standard())
        }
        var one = message
        one.proofs = 1
        #expect(throws: ProverNodeError.self) { try JobAssignment(one, systems: .standard()) }
        var unknown = message
        unknown.jobKind = "plonk.prove"
        #expect(throws: ProverNodeError.invalidAssignment(job: "req-1/8", reason: "unknown job kind 'plonk.prove'")) {
            try JobAssignment(unknown, systems: .standard())
        }
    }
}

/// What a node finds on disk after a crash: the assignments of the jobs it was running.
@Suite struct InterruptedJobsTests {
    @Test func aRestartedNodeTakesUpTheNewestLeaseOfEachInterruptedJobAndClearsTheRest() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let jobs = dir.file("jobs")
        func leave(_ epoch: UInt64, job: String = "req-1/0") throws {
            var message = JobAssignmentTests.assignment(kind: .synthetic, roles: ["zkey"])
            message.jobID = job
            message.epoch = epoch
            let directory = jobs.appendingPathComponent("\(job.replacingOccurrences(of: "/", with: "_"))-e\(epoch)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let assignment = try JobAssignment(message, systems: .standard())
            try JSONEncoder().encode(assignment).write(to: directory.appendingPathComponent("assignment.json"))
        }
        try leave(1)
        try leave(3)
        try leave(2, job: "req-2/5")
        // A directory without a readable assignment, and a checkpoint, which stays.
        try FileManager.default.createDirectory(
            at: jobs.appendingPathComponent("junk-e1"), withIntermediateDirectories: true)
        try Data("not JSON".utf8).write(to: jobs.appendingPathComponent("junk-e1/assignment.json"))
        try FileManager.default.createDirectory(
            at: jobs.appendingPathComponent("checkpoints/req-1_0"), withIntermediateDirectories: true)

        let found = JobRunner.interruptedAssignments(in: jobs, logger: Logger(label: "test"))
        #expect(found.map(\.job) == ["req-1/0", "req-2/5"])
        #expect(found.map(\.epoch) == [3, 2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: jobs.path) == ["checkpoints"])
        #expect(JobRunner.interruptedAssignments(in: jobs, logger: Logger(label: "test")).isEmpty)
    }
}
