import Foundation
import ProofSystems
import ProverNetCore
import Store
import Testing

@_spi(Testing) @testable import Gateway

/// Declared statements: the client's public signals are checked (count, each in the field) and written as the
/// gateway writes the statements it computes; a false declaration found by an honest prover fails the request,
/// pays the prover from the client's escrow, and costs the prover nothing.
@Suite struct DeclaredStatementTests {
    typealias Fixture = JobBookTests.Fixture
    static let op = "0x00000000000000000000000000000000000000dd"

    /// A synthetic circuit of 20 constraints as the gateway loads it (its development key made here).
    static func syntheticCircuit() throws -> any LoadedCircuit {
        let system = Groth16ProofSystem()
        let definition = try system.define(
            CircuitRegistration(kind: .synthetic, constraints: 20, files: [:], limits: .default))
        let descriptor = CircuitDescriptor(
            id: "c", name: "c", kind: .synthetic, constraints: 20, domainSize: definition.domainSize,
            publicSignals: definition.publicSignals, artifacts: [],
            verificationKeyJSON: definition.verificationKeyJSON)
        return try system.load(descriptor, files: [:])
    }

    @Test func aTrueDeclarationIsTheStatementTheGatewayWouldComputeAndNoWitnessIsNeededForIt() throws {
        let circuit = try Self.syntheticCircuit()
        let input = #"{"x": "3", "y": "11"}"#
        let computed = try circuit.statement(inputJSON: input, index: 0)
        let signals = try JSONDecoder().decode([String].self, from: Data(computed.utf8))
        #expect(try circuit.declaredStatement(signals, index: 0) == computed)
        // Leading zeros are the same number: written back canonically, it compares equal as a string.
        #expect(try circuit.declaredStatement(signals.map { "000" + $0 }, index: 0) == computed)
    }

    @Test func aMalformedDeclarationIsRefusedNamingTheInputAndTheSignal() throws {
        let circuit = try Self.syntheticCircuit()
        let count = try JSONDecoder().decode(
            [String].self, from: Data(try circuit.statement(inputJSON: #"{"x": "3", "y": "11"}"#, index: 0).utf8)
        ).count
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        let cases: [([String], String)] = [
            (Array(repeating: "1", count: count + 1), "declared \(count + 1) public signals; the circuit has \(count)"),
            (
                Array(repeating: "1", count: count - 1) + ["0x10"],
                "declared public signal \(count - 1) '0x10' is not a decimal number"
            ),
            (Array(repeating: "1", count: count - 1) + ["-1"], "is not a decimal number"),
            (Array(repeating: "1", count: count - 1) + [r], "declared public signal \(count - 1) \(r) is not below"),
            (Array(repeating: "1", count: count - 1) + [""], "is not a decimal number"),
        ]
        for (signals, expected) in cases {
            #expect {
                try circuit.declaredStatement(signals, index: 4)
            } throws: { error in
                guard case ProverNetError.invalidInput(let index, let reason) = error else { return false }
                return index == 4 && reason.contains(expected)
            }
        }
    }

    /// A book whose one prover is bonded by an operator, and a client key holding 100 credits.
    static func fixture() -> Fixture {
        var f = EscrowTests.fixture(credit: 100)
        f.book.setOperatorStake(op, 100)
        f.connect("honest", ask: 1, operatorAddress: op)
        return f
    }

    @Test func aFalseDeclarationFailsTheRequestAndTheClientPaysTheHonestProverWhoIsNotPenalised() throws {
        var f = Self.fixture()
        let request = try f.submit(inputs: 2, maxPrice: 10, owner: "k1", declared: true)
        let (prover, a) = try #require(f.assigned(f.round()).first)
        #expect(a.lease.bond > .zero)
        let reputation = f.book.reputation(of: prover, now: f.now)
        let actions = f.keep(
            f.book.falseDeclarationFound(
                prover, job: a.job.id, epoch: a.lease.epoch, inputStatement: #"["7"]"#, now: f.now))
        #expect(actions.refusal == nil)
        // The request failed, with the reason naming the input and both statements.
        let failed = try #require(actions.changes.requests.last)
        #expect(failed.state.phase == .failed)
        let reason = failed.state.reason ?? ""
        #expect(reason.contains("input \(a.job.index)") && reason.contains("declared") && reason.contains(#"["7"]"#))
        #expect(f.book.requests[request] == nil)
        // The client paid the job's charge; the prover got the price, the network the rest, and the escrow is empty.
        #expect(f.accounts[.client("k1")] == Amount(whole: 100) - a.lease.charge)
        #expect(f.accounts[.earnings(prover)] == a.lease.price)
        #expect(f.accounts[.network] == a.lease.charge - a.lease.price)
        #expect(f.accounts[.escrow(request)] == .zero)
        // No slash, no stake lost, no rejection, no reputation lost; the prover is told it is paid.
        #expect(!actions.changes.transfers.contains { $0.reason == .slash })
        #expect(f.book.operatorStakes[Self.op] == 100)
        #expect(actions.changes.proverActivity.allSatisfy { $0.rejected == 0 && $0.failed == 0 })
        #expect(actions.changes.reputation.isEmpty && f.book.reputation(of: prover, now: f.now) == reputation)
        #expect(
            actions.messages.contains {
                if case .verdict(a.job.id, a.lease.epoch, true, _) = $0.instruction {
                    $0.prover == prover
                } else {
                    false
                }
            })
        // Both jobs ended; the unproven one unpaid.
        #expect(f.written.values.allSatisfy { $0.state.isFinal && $0.state.verified == nil })
        #expect(f.totals.clientCharges == a.lease.charge && f.totals.balances)
    }

    @Test func aMismatchOnAnUndeclaredJobOrUnderAStaleLeaseChangesNothing() throws {
        var f = Self.fixture()
        let request = try f.submit(inputs: 1, maxPrice: 10, owner: "k1")
        let (prover, a) = try #require(f.assigned(f.round()).first)
        let undeclared = f.book.falseDeclarationFound(
            prover, job: a.job.id, epoch: a.lease.epoch, inputStatement: "[]", now: f.now)
        #expect(undeclared.changes.transfers.isEmpty && undeclared.changes.requests.isEmpty)
        let stale = f.book.falseDeclarationFound(
            prover, job: a.job.id, epoch: a.lease.epoch + 1, inputStatement: "[]", now: f.now)
        #expect(stale.refusal != nil)
        #expect(f.book.requests[request] != nil && f.book.jobs[a.job.id]?.state.lease != nil)
    }
}
