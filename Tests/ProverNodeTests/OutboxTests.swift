import ProverNetAPI
import ProverNetCore
import Testing

@testable import ProverNode

/// What the node sends survives the connection it was sent on: failures sent while disconnected, and
/// results until the gateway's verdict on them.
@Suite struct OutboxTests {
    static func drain(_ stream: AsyncStream<Provernet_V1_ProverMessage>) async -> [Provernet_V1_ProverMessage] {
        var messages: [Provernet_V1_ProverMessage] = []
        for await message in stream { messages.append(message) }
        return messages
    }

    @Test func aResultIsSentAgainOnEveryConnectionUntilItsVerdict() async {
        let outbox = Outbox()
        let (first, firstSink) = AsyncStream<Provernet_V1_ProverMessage>.makeStream()
        outbox.attach(firstSink)
        outbox.send(
            ProverMessages.result(
                job: "req-1/0", epoch: 2, payload: ProofPayload(proofJSON: "{}", publicJSON: "[]"), seconds: 1),
            keep: true)
        outbox.send(ProverMessages.failure(job: "req-1/1", epoch: 1, reason: "out of memory"), keep: true)
        firstSink.finish()
        #expect(await Self.drain(first).count == 2)
        #expect(outbox.unacknowledgedJobs == ["req-1/0"])
        // The connection dropped before the verdict: the next one gets the result again, not the failure.
        outbox.detach()
        let (second, secondSink) = AsyncStream<Provernet_V1_ProverMessage>.makeStream()
        outbox.attach(secondSink)
        secondSink.finish()
        let again = await Self.drain(second)
        #expect(again.count == 1)
        if case .result(let result)? = again.first?.message {
            #expect(result.jobID == "req-1/0")
        } else {
            Issue.record("not the result: \(again)")
        }
        // A verdict for an older epoch does not count; the verdict for this one does.
        outbox.acknowledge(job: "req-1/0", epoch: 1)
        #expect(outbox.unacknowledgedJobs == ["req-1/0"])
        outbox.acknowledge(job: "req-1/0", epoch: 2)
        #expect(outbox.unacknowledgedJobs.isEmpty)
        outbox.detach()
        let (third, thirdSink) = AsyncStream<Provernet_V1_ProverMessage>.makeStream()
        outbox.attach(thirdSink)
        thirdSink.finish()
        #expect(await Self.drain(third).isEmpty)
    }

    @Test func aFailureSentWhileDisconnectedGoesOutOnTheNextConnection() async {
        let outbox = Outbox()
        outbox.send(
            ProverMessages.failure(job: "req-1/1", epoch: 1, reason: "prover shutting down", released: true), keep: true
        )
        outbox.send(
            ProverMessages.progress(job: "req-1/1", epoch: 1, stage: "proving", fraction: 0.5).asMessage, keep: false)
        let (stream, sink) = AsyncStream<Provernet_V1_ProverMessage>.makeStream()
        outbox.attach(sink)
        sink.finish()
        let sent = await Self.drain(stream)
        #expect(sent.count == 1)
        if case .failure(let failure)? = sent.first?.message {
            #expect(failure.released)
        } else {
            Issue.record("not the failure: \(sent)")
        }
    }
}

extension Provernet_V1_Progress {
    var asMessage: Provernet_V1_ProverMessage { ProverMessages.message(.progress(self)) }
}
