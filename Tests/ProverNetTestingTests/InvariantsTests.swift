import Foundation
import ProverNetCore
import Store
import Testing

@testable import ProverNetChaos

/// The chaos runner's invariant checker on hand-made records: a clean run passes, and each violation
/// (a request lost, a job paid or charged twice, a payment without a finished job, a verified job unpaid,
/// an end without a reason, a proof that does not verify) is counted and reported.
struct InvariantsTests {
    static let alice = ProverID(String(repeating: "a", count: 64))
    static let bob = ProverID(String(repeating: "b", count: 64))

    /// A run of one done request of `inputs` jobs, each verified by alice, charged once and paid once.
    struct Run {
        var tracked: [RequestID: RequestTracker.Tracked] = [:]
        var proofs: [RequestID: RequestTracker.ProofCheck] = [:]
        var records = GatewayRecords()
        var submitFailures: [String] = []

        init(request: RequestID = "req-1", inputs: Int = 2) {
            add(request: request, inputs: inputs)
        }

        mutating func add(request: RequestID, inputs: Int, state: RequestPhase = .done) {
            tracked[request] = RequestTracker.Tracked(id: request, inputs: inputs, submitted: .now)
            let record = ProofRequest(
                id: request, circuitID: CircuitID(String(repeating: "c", count: 64)),
                state: RequestState(phase: state, reason: "", finishedMillis: state.isFinal ? 100 : nil),
                createdMillis: 1,
                deadlineMillis: 1_000_000, maxPricePerJob: 10, inputCount: inputs)
            records.requests[request] = GatewayRecords.RequestRecord(record)
            records.jobs[request] = (0..<inputs).map { index in
                var job = Job(
                    id: JobID(request: request, index: index), requestID: request, index: index,
                    jobClass: JobClass(proofSystem: "groth16-bn254", log2Size: 12), inputJSON: "{}", statementJSON: "[]"
                )
                if state == .done {
                    let lease = Lease(
                        prover: InvariantsTests.alice, epoch: 1, grantedMillis: 10, expiresMillis: 20, price: 1,
                        charge: Amount(decimal: "1.5")!)
                    job.state = .verified(
                        VerifiedProof(lease: lease, verifiedMillis: 50, proveMillis: 5, proof: ProofPayload()))
                    job.epoch = 1
                }
                return GatewayRecords.JobRecord(job)
            }
            guard state == .done else { return }
            proofs[request] = RequestTracker.ProofCheck(proofs: inputs)
            for index in 0..<inputs {
                pay(JobID(request: request, index: index), of: request)
                charge(JobID(request: request, index: index), of: request)
            }
        }

        mutating func pay(_ job: JobID, of request: RequestID, to prover: ProverID = InvariantsTests.alice) {
            records.ledger.append(
                LedgerEntry(
                    atMillis: 50, kind: .proverPayment, requestID: request, jobID: job, proverID: prover, amount: 1))
        }

        mutating func charge(_ job: JobID, of request: RequestID) {
            records.ledger.append(
                LedgerEntry(
                    atMillis: 50, kind: .clientCharge, requestID: request, jobID: job, proverID: nil,
                    amount: Amount(decimal: "1.5")!))
            records.ledger.append(
                LedgerEntry(
                    atMillis: 50, kind: .networkFee, requestID: request, jobID: job, proverID: nil,
                    amount: Amount(decimal: "0.5")!))
        }

        func check() -> (Invariants, [String]) {
            Invariants.check(tracked: tracked, submitFailures: submitFailures, proofs: proofs, records: records)
        }
    }

    @Test func aCleanRunPasses() {
        var run = Run()
        run.add(request: "req-2", inputs: 3)
        run.add(request: "req-3", inputs: 1, state: .failed)
        run.records.requests["req-3"]?.reason = "the deadline passed"
        let (counts, problems) = run.check()
        #expect(problems.isEmpty, "\(problems)")
        #expect(counts.requests == 3 && counts.done == 2 && counts.failed == 1)
        #expect(counts.proofsVerified == 5)
        #expect(counts.lost == 0 && counts.jobsPaidTwice == 0 && counts.jobsChargedTwice == 0)
        #expect(counts.paidWithoutFinishing == 0 && counts.verifiedUnpaid == 0 && counts.endedWithoutReason == 0)
    }

    @Test func anAcceptedRequestMissingFromTheDatabaseIsLost() {
        var run = Run()
        run.records.requests["req-1"] = nil
        run.records.jobs["req-1"] = nil
        run.records.ledger = []
        let (counts, problems) = run.check()
        #expect(counts.lost == 1)
        #expect(
            problems.contains { $0.hasPrefix("LOST: request req-1") && $0.contains("not in the gateway's database") })
    }

    @Test(arguments: [RequestPhase.queued, .proving, .aggregating])
    func aRequestNotFinalAtTheEndIsLost(_ state: RequestPhase) {
        var run = Run()
        run.add(request: "req-open", inputs: 1, state: state)
        let (counts, problems) = run.check()
        #expect(counts.lost == 1)
        #expect(problems == ["LOST: request req-open is still \(state.rawValue) at the end (jobs 0:pending)"])
    }

    @Test func aJobPaidTwiceIsReported() {
        var run = Run()
        run.pay("req-1/0", of: "req-1")
        let (counts, problems) = run.check()
        #expect(counts.jobsPaidTwice == 1)
        #expect(problems.contains { $0.hasPrefix("job req-1/0 was paid 2 times") })
    }

    @Test func aJobChargedTwiceIsReported() {
        var run = Run()
        run.charge("req-1/1", of: "req-1")
        let (counts, problems) = run.check()
        #expect(counts.jobsChargedTwice == 1)
        #expect(problems.first == "job req-1/1 was charged to the client 2 times")
    }

    @Test func aPaymentForAJobThatIsNotVerifiedIsReported() {
        var run = Run()
        run.records.jobs["req-1"]?[0].state = .assigned
        let (counts, problems) = run.check()
        #expect(counts.paidWithoutFinishing == 1)
        #expect(
            problems.contains { $0.hasPrefix("job req-1/0: prover aaaaaaaaaaaa was paid, but the job is assigned") })
    }

    @Test func aPaymentToAnotherProverThanTheOneThatProvedIsReported() {
        var run = Run()
        run.records.ledger.removeAll { $0.jobID == "req-1/1" && $0.kind == .proverPayment }
        run.pay("req-1/1", of: "req-1", to: Self.bob)
        let (counts, problems) = run.check()
        #expect(counts.paidWithoutFinishing == 1 && counts.jobsPaidTwice == 0)
        #expect(
            problems == [
                "job req-1/1: prover bbbbbbbbbbbb was paid, but the job is verified and names prover aaaaaaaaaaaa"
            ])
    }

    @Test func aVerifiedJobWithoutAPaymentIsReported() {
        var run = Run()
        run.records.ledger.removeAll { $0.jobID == "req-1/0" && $0.kind == .proverPayment }
        let (counts, problems) = run.check()
        #expect(counts.verifiedUnpaid == 1)
        #expect(problems.first == "job req-1/0 is verified but its prover was not paid")
    }

    @Test(arguments: [RequestPhase.failed, .expired, .cancelled])
    func aRequestThatEndedWithoutAReasonIsReported(_ state: RequestPhase) {
        var run = Run()
        run.add(request: "req-x", inputs: 1, state: state)
        run.records.requests["req-x"]?.reason = "  "
        let (counts, problems) = run.check()
        #expect(counts.endedWithoutReason == 1)
        #expect(problems == ["request req-x is \(state.rawValue) without a reason"])
    }

    @Test func aProofThatDoesNotVerifyIsReported() {
        var run = Run()
        run.proofs["req-1"] = RequestTracker.ProofCheck(proofs: 2, problems: ["proof 1 does not verify"])
        let (counts, problems) = run.check()
        #expect(counts.proofsInvalid == 1 && counts.proofsVerified == 1)
        #expect(problems == ["request req-1: proof 1 does not verify"])
    }

    @Test func fewerProofsThanInputsAreReported() {
        var run = Run()
        run.proofs["req-1"] = RequestTracker.ProofCheck(proofs: 1)
        let (counts, problems) = run.check()
        #expect(counts.proofsInvalid == 1)
        #expect(problems == ["request req-1: 1 proofs fetched for 2 inputs"])
    }

    @Test func aDoneRequestWhoseProofsWereNotFetchedIsReported() {
        var run = Run()
        run.proofs = [:]
        let (counts, problems) = run.check()
        #expect(counts.proofsInvalid == 1)
        #expect(problems == ["request req-1: its proofs were not fetched"])
    }

    @Test func aRequestTheRunNeverLearntIsCountedAndHeldToTheInvariants() {
        var run = Run()
        run.add(request: "req-repeat", inputs: 1)
        run.tracked["req-repeat"] = nil
        run.pay("req-repeat/0", of: "req-repeat")
        let (counts, problems) = run.check()
        #expect(counts.untracked == 1 && counts.jobsPaidTwice == 1)
        // Paid twice and charged once: the ledger no longer balances either.
        #expect(problems.count == 2 && !counts.ledgerBalanced)
    }

    @Test func aLedgerThatDoesNotBalanceIsReported() {
        var run = Run()
        run.records.ledger.removeAll { $0.kind == .networkFee && $0.jobID == "req-1/0" }
        let (counts, problems) = run.check()
        #expect(!counts.ledgerBalanced)
        #expect(
            problems == [
                "the ledger does not balance: clients were charged 3.000000, provers paid 2.000000 and the network kept 0.500000"
            ])
    }
}
