import Foundation
import ProverNetClient
import ProverNetCore
import Testing

@Suite struct RequestProgressTests {
    func event(
        _ kind: RequestEvent.Kind, job: Int? = nil, progress: Double = 0, verified: Int = 0,
        state: RequestPhase = .proving, message: String = ""
    ) -> RequestEvent {
        RequestEvent(
            request: "req-1", kind: kind, state: state, jobsTotal: 4, jobsVerified: verified,
            job: job.map { JobID("req-1/\($0)") }, jobIndex: job, prover: job == nil ? nil : "abcdef0123456789",
            progress: progress, message: message)
    }

    @Test func eventsFoldIntoProgress() {
        var progress = RequestProgress(request: "req-1")
        #expect(progress.state == nil)
        progress.apply(event(.state, state: .queued))
        progress.apply(event(.assigned, job: 0))
        progress.apply(event(.assigned, job: 1))
        progress.apply(event(.progress, job: 1, progress: 0.5))
        #expect(progress.running == [0: 0, 1: 0.5])
        progress.apply(event(.verified, job: 0, verified: 1))
        progress.apply(event(.rejected, job: 1, verified: 1, message: "public signals differ"))
        #expect(progress.running.isEmpty)
        #expect(progress.jobsVerified == 1)
        #expect(!progress.isFinal)
        progress.apply(event(.state, verified: 1, state: .failed, message: "job 1 failed 3 times"))
        #expect(progress.isFinal)
        #expect(progress.message == "job 1 failed 3 times")
    }

    @Test func theProgressLineFitsItsWidth() {
        var progress = RequestProgress(request: "req-1")
        progress.apply(event(.state))
        for job in 0..<4 { progress.apply(event(.progress, job: job, progress: 0.25 * Double(job))) }
        let line = progress.progressLine(elapsed: .milliseconds(12_345), width: 120)
        // Running jobs fill the bar by their progress: 1.5 jobs of 4 are 7 of 20 cells.
        #expect(line == "req-1 [=======-------------] 0/4 verified proving #0 0% #1 25% #2 50% #3 75%  12.3s")
        let narrow = progress.progressLine(elapsed: .seconds(1), width: 70)
        #expect(narrow.count <= 70)
        #expect(narrow.contains("proving #0 0% +3 more  "))
        #expect(narrow.hasSuffix("1.0s"))
    }

    @Test func eventLinesSayWhatHappened() {
        let line = RequestProgress.eventLine(event(.verified, job: 3, verified: 2), elapsed: .milliseconds(1_200))
        #expect(line == "[   1.2s] verified job 3 (prover abcdef01…) 2/4 verified")
        #expect(RequestEvent.Kind("assigned") == .assigned)
        #expect(RequestEvent.Kind("newer") == .other("newer"))
    }
}
