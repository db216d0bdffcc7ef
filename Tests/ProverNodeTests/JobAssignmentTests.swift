import ProverNetAPI
import ProverNetCore
import ProverNode
import Testing

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
        let synthetic = try JobAssignment(Self.assignment(kind: .synthetic, roles: ["zkey"]))
        #expect(synthetic.kind == .synthetic && synthetic.zkey.sha256 == Self.zkey && synthetic.wasm == nil)
        let circom = try JobAssignment(Self.assignment(kind: .circom, roles: ["zkey", "wasm"]))
        #expect(circom.artifacts.map(\.role) == [.zkey, .wasm])
        #expect(throws: ProverNodeError.invalidAssignment(job: "req-1/0", reason: "a circom circuit needs its wasm artifact")) {
            try JobAssignment(Self.assignment(kind: .circom, roles: ["zkey"]))
        }
        #expect(throws: ProverNodeError.self) { try JobAssignment(Self.assignment(kind: .unspecified, roles: ["zkey"])) }
        #expect(throws: ProverNodeError.self) { try JobAssignment(Self.assignment(kind: .synthetic, roles: ["r1cs"])) }
        var badHash = Self.assignment(kind: .synthetic, roles: ["zkey"])
        badHash.artifacts[0].sha256 = "../x"
        #expect(throws: ProverNodeError.self) { try JobAssignment(badHash) }
    }
}
