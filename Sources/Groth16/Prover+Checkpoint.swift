import BN254

extension Prover {
    /// Proves with fresh random r and s, keeping each finished stage in `checkpoint` and taking every stage
    /// that `checkpoint` already holds (from an earlier run of the same key and witness that did not
    /// finish) instead of computing it again.
    ///
    /// A checkpoint file that cannot be used (damaged, or written for another key or witness) is reported
    /// as `.rejected` and its stage computed again. A stage that cannot be saved (a full disk, a directory
    /// that cannot be created) is reported as `.saveFailed` and does not fail the proof: a checkpoint only
    /// saves time, and the proof is what the caller waits for. The checkpoint is left in place: the caller
    /// calls `checkpoint.remove()` once the proof is safely delivered.
    ///
    /// - Parameter progress: called on the calling thread for each stage, in order (`resumed`, or
    ///   `rejected` then `computed`, or `computed`, then `saveFailed` if saving failed). When msmH is
    ///   resumed, h is not needed and gets no event.
    /// - Returns: the proof and its public signals w[1…nPublic].
    public static func prove(
        key: ProvingKey, witness: [Fr], threads: Int = MSM.defaultThreads, checkpoint: ProofCheckpoint,
        progress: (ProofCheckpoint.Event) -> Void = { _ in }
    ) throws(Groth16Error) -> (proof: Proof, publicSignals: [Fr]) {
        var timings = ProverTimings()
        return try prove(
            key: key, witness: witness, r: .random(), s: .random(), threads: threads, timings: &timings,
            checkpoint: checkpoint, progress: progress)
    }

    /// Runs each stage of one proof: from the checkpoint when it holds the stage, else computed (and then
    /// saved). Without a checkpoint it only computes, at no cost: no hashing, no file is touched.
    struct StageRunner {
        let checkpoint: ProofCheckpoint?
        let binding: ProofCheckpoint.Binding?

        init(checkpoint: ProofCheckpoint?, key: ProvingKey, witness: [Fr], timings: inout ProverTimings) {
            self.checkpoint = checkpoint
            let clock = Prover.now()
            binding = checkpoint.map { _ in ProofCheckpoint.binding(key: key, witness: witness) }
            if checkpoint != nil { timings.checkpoint += Prover.now() - clock }
        }

        /// The value of `stage`: loaded if the checkpoint has a valid file for it, else `compute`d and saved.
        func run<Value, E: Error>(
            _ stage: ProofCheckpoint.Stage, _ codec: ProofCheckpoint.Codec<Value>, _ timings: inout ProverTimings,
            _ progress: (ProofCheckpoint.Event) -> Void, compute: (inout ProverTimings) throws(E) -> Value
        ) throws(E) -> Value {
            guard let checkpoint, let binding else { return try compute(&timings) }
            var clock = Prover.now()
            let stored = checkpoint.load(stage, binding: binding, codec: codec)
            timings.checkpoint += Prover.now() - clock
            switch stored {
            case .loaded(let value):
                progress(.resumed(stage))
                return value
            case .rejected(let error):
                progress(.rejected(stage, error))
            case .absent:
                break
            }
            let value = try compute(&timings)
            clock = Prover.now()
            var failure: Groth16Error?
            do {
                try checkpoint.save(stage, value, binding: binding, codec: codec)
            } catch {
                failure = error
            }
            timings.checkpoint += Prover.now() - clock
            // Reported once the checkpoint is on disk (or failed to get there): whoever sees "computed" and
            // kills the process must find the stage saved.
            progress(.computed(stage))
            if let failure { progress(.saveFailed(stage, failure)) }
            return value
        }
    }
}
