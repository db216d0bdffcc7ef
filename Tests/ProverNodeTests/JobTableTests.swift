import ProverNetCore
import ProverNode
import Testing

/// The node's jobs as a state machine: slots, leases renewed by epoch, cancels and shutdown.
@Suite struct JobTableTests {
    @Test func admitsUpToItsSlotsAndReportsUnderTheLatestEpoch() {
        let table = JobTable(slots: 2)
        guard case .admitted = table.admit(job: "req-1/0", epoch: 1) else {
            Issue.record("the first job must be admitted")
            return
        }
        guard case .admitted = table.admit(job: "req-1/1", epoch: 1) else {
            Issue.record("the second job must be admitted")
            return
        }
        #expect(table.admit(job: "req-1/2", epoch: 1) == .refused(reason: "no free slot (2 jobs running)"))
        #expect(table.freeSlots == 0)
        // The same job under a newer lease keeps running and reports under that lease.
        #expect(table.admit(job: "req-1/0", epoch: 3) == .renewed)
        #expect(table.admit(job: "req-1/0", epoch: 2) == .refused(reason: "epoch 2 is older than the held epoch 3"))
        #expect(table.progress(job: "req-1/0", stage: "proving", fraction: 0.5) == 3)
        #expect(table.jobs.first?.fraction == 0.5)
        #expect(table.finish(job: "req-1/0") == .report(epoch: 3))
        #expect(table.finish(job: "req-1/0") == .unknown)
        #expect(table.freeSlots == 1)
    }

    @Test func aCancelKillsTheWorkerAndNothingIsReported() {
        let table = JobTable(slots: 1)
        guard case .admitted(let handle) = table.admit(job: "j", epoch: 4) else {
            Issue.record("the job must be admitted")
            return
        }
        #expect(!table.cancel(job: "j", epoch: 3))
        #expect(!handle.killRequested)
        #expect(table.cancel(job: "j", epoch: 4))
        #expect(handle.killRequested)
        #expect(table.progress(job: "j", stage: "proving", fraction: 0.9) == nil)
        #expect(table.finish(job: "j") == .cancelled)
    }

    @Test func shutdownRefusesNewWorkAndHandsBackRunningJobs() {
        let table = JobTable(slots: 2)
        guard case .admitted(let handle) = table.admit(job: "j", epoch: 2) else {
            Issue.record("the job must be admitted")
            return
        }
        table.stopAcceptingWork()
        #expect(table.admit(job: "k", epoch: 1) == .refused(reason: "prover shutting down"))
        table.stopAll()
        #expect(handle.killRequested)
        #expect(table.finish(job: "j") == .shuttingDown(epoch: 2))
        #expect(table.isEmpty)
    }
}
