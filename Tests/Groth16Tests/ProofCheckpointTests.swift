import BN254
import Foundation
import Testing

@testable import Groth16

/// A prover that keeps its stages in a `ProofCheckpoint` and resumes from it: with real files in a fresh
/// directory per test, and "crashes" that leave the directory as a killed prover would.
@Suite struct ProofCheckpointTests {
    static let circuit = SyntheticCircuit.make(constraints: 300)
    static let key = makeKey()
    /// A second setup of the same circuit: same sizes, other secrets.
    static let otherKey = makeKey()

    /// The stages the prover saves, in the order it finishes them.
    static let proverStages: [ProofCheckpoint.Stage] = [.h, .msmH, .msmA, .msmB1, .msmB2, .msmC]
    /// Fixed blinding, so that a resumed proof can be compared with one proved in a single run.
    static let r = Fr(1234)
    static let s = Fr(5678)

    static func makeKey() -> ProvingKey {
        guard let key = try? DevelopmentSetup.setup(r1cs: circuit.r1cs, threads: 2) else {
            preconditionFailure("the development setup failed on the synthetic circuit")
        }
        return key
    }

    // MARK: Helpers

    /// A checkpoint in a new directory under the temporary directory, deleted afterwards whatever happens.
    func withCheckpoint(_ body: (ProofCheckpoint) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ckpt-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(ProofCheckpoint(directory: directory))
    }

    /// Proves with the fixed r, s through the checkpoint; returns the proof and what the prover reported.
    func prove(
        _ checkpoint: ProofCheckpoint, key: ProvingKey = Self.key, witness: [Fr] = Self.circuit.witness
    ) throws -> (proof: Proof, publicSignals: [Fr], events: [ProofCheckpoint.Event]) {
        var events: [ProofCheckpoint.Event] = []
        var timings = ProverTimings()
        let (proof, publicSignals) = try Prover.prove(
            key: key, witness: witness, r: Self.r, s: Self.s, threads: 2, timings: &timings,
            checkpoint: checkpoint
        ) { events.append($0) }
        return (proof, publicSignals, events)
    }

    /// The proof that a single run without a checkpoint makes with the same r, s.
    func expectedProof(key: ProvingKey = Self.key, witness: [Fr] = Self.circuit.witness) throws -> Proof {
        var timings = ProverTimings()
        return try Prover.prove(key: key, witness: witness, r: Self.r, s: Self.s, threads: 2, timings: &timings).proof
    }

    func computedEverything() -> [ProofCheckpoint.Event] { Self.proverStages.map { .computed($0) } }

    func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    func write(_ bytes: [UInt8], _ url: URL) throws { try Data(bytes).write(to: url) }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Whether `events` rejected `stage` for a damaged file.
    func rejectedAsCorrupt(_ events: [ProofCheckpoint.Event], _ stage: ProofCheckpoint.Stage) -> String? {
        for event in events {
            if case .rejected(stage, .checkpointCorrupt(_, let reason)) = event { return reason }
        }
        return nil
    }

    // MARK: (a) A proof with a checkpoint

    @Test func aProofWithACheckpointVerifiesAndSavesEveryStage() throws {
        try withCheckpoint { checkpoint in
            var events: [ProofCheckpoint.Event] = []
            let (proof, publicSignals) = try Prover.prove(
                key: Self.key, witness: Self.circuit.witness, threads: 2, checkpoint: checkpoint
            ) { events.append($0) }
            #expect(try Verifier.verify(key: Self.key.verificationKey, publicSignals: publicSignals, proof: proof))
            #expect(publicSignals == [Self.circuit.witness[1]])
            #expect(events == computedEverything())
            for stage in Self.proverStages { #expect(exists(checkpoint.fileURL(for: stage)), "\(stage)") }
            // The witness is kept only when the caller asks.
            #expect(!exists(checkpoint.fileURL(for: .witness)))

            // With fixed r, s the checkpointed prover makes exactly the single-run proof.
            #expect(try prove(checkpoint).proof == expectedProof())

            try checkpoint.remove()
            #expect(!exists(checkpoint.directory))
            try checkpoint.remove() // removing what is gone is not an error
        }
    }

    @Test func proofsWithoutACheckpointAreUnchanged() throws {
        var timings = ProverTimings()
        let proof = try Prover.prove(
            key: Self.key, witness: Self.circuit.witness, r: Self.r, s: Self.s, threads: 2, timings: &timings
        ).proof
        #expect(timings.checkpoint == 0)
        #expect(timings.msmA > 0 && timings.msmH > 0)
        #expect(
            try Verifier.verify(key: Self.key.verificationKey, publicSignals: [Self.circuit.witness[1]], proof: proof))
    }

    // MARK: (b) Resuming after a crash

    /// A prover killed after it finished `finished` stages leaves exactly those stages' files (each was
    /// renamed into place whole), and perhaps the temporary file of the write it was in.
    @Test(arguments: 0...6)
    func resumingAfterACrashReusesTheFinishedStages(finished: Int) throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            for stage in Self.proverStages[finished...] {
                try FileManager.default.removeItem(at: checkpoint.fileURL(for: stage))
            }
            if finished < Self.proverStages.count {
                let next = checkpoint.fileURL(for: Self.proverStages[finished])
                try write([UInt8](repeating: 0xAB, count: 40), URL(fileURLWithPath: next.path + ".tmp-99999"))
            }

            let resumed = try prove(checkpoint)

            let done = Self.proverStages[..<finished]
            let expected: [ProofCheckpoint.Event] = Self.proverStages.compactMap { stage in
                if !done.contains(stage) { return .computed(stage) }
                // With msmH resumed, h is not needed at all.
                return stage == .h && done.contains(.msmH) ? nil : .resumed(stage)
            }
            #expect(resumed.events == expected)
            #expect(resumed.proof == (try expectedProof()))
            #expect(
                try Verifier.verify(
                    key: Self.key.verificationKey, publicSignals: resumed.publicSignals, proof: resumed.proof))

            // Every stage is there now: a third run computes nothing.
            #expect(try prove(checkpoint).events.allSatisfy { if case .resumed = $0 { true } else { false } })
            try checkpoint.remove()
            #expect(!exists(checkpoint.directory), "remove() also deletes a crashed write's temporary file")
        }
    }

    @Test func aResumedProofWithFreshBlindingVerifiesAndDiffers() throws {
        try withCheckpoint { checkpoint in
            let first = try Prover.prove(
                key: Self.key, witness: Self.circuit.witness, threads: 2, checkpoint: checkpoint)
            var events: [ProofCheckpoint.Event] = []
            let second = try Prover.prove(
                key: Self.key, witness: Self.circuit.witness, threads: 2, checkpoint: checkpoint
            ) {
                events.append($0)
            }
            #expect(events == Self.proverStages.dropFirst().map { .resumed($0) })
            #expect(first.proof != second.proof, "r and s are drawn afresh, not stored")
            #expect(
                try Verifier.verify(
                    key: Self.key.verificationKey, publicSignals: second.publicSignals, proof: second.proof))
        }
    }

    // MARK: (c) Damaged files

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case headerByte, payloadByte, checksumByte, truncatedPayload, truncatedHeader, empty
        var testDescription: String { rawValue }

        func apply(to bytes: inout [UInt8]) {
            switch self {
            case .headerByte: bytes[20] ^= 0x01 // inside the key fingerprint
            case .payloadByte: bytes[ProofCheckpoint.headerSize + 5] ^= 0x80
            case .checksumByte: bytes[bytes.count - 1] ^= 0x10
            case .truncatedPayload: bytes.removeLast(24)
            case .truncatedHeader: bytes.removeLast(bytes.count - 30)
            case .empty: bytes = []
            }
        }
    }

    @Test(arguments: [ProofCheckpoint.Stage.h, .msmH, .msmA, .msmB1, .msmB2, .msmC], Damage.allCases)
    func aDamagedFileIsDetectedAndComputedAgain(stage: ProofCheckpoint.Stage, damage: Damage) throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            // h is read only when msmH has to be computed.
            if stage == .h { try FileManager.default.removeItem(at: checkpoint.fileURL(for: .msmH)) }
            let url = checkpoint.fileURL(for: stage)
            var file = try bytes(url)
            damage.apply(to: &file)
            try write(file, url)

            let rerun = try prove(checkpoint)
            #expect(rejectedAsCorrupt(rerun.events, stage) != nil, "\(rerun.events)")
            #expect(rerun.events.contains(.computed(stage)))
            #expect(!rerun.events.contains(.resumed(stage)))
            #expect(rerun.proof == (try expectedProof()))
            #expect(
                try Verifier.verify(
                    key: Self.key.verificationKey, publicSignals: rerun.publicSignals, proof: rerun.proof))
            // The damaged file was replaced by a good one.
            if stage == .h { try FileManager.default.removeItem(at: checkpoint.fileURL(for: .msmH)) }
            #expect(try prove(checkpoint).events.contains(.resumed(stage)))
        }
    }

    @Test func aFileOfAnotherStageIsNotReadAsThisOne() throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            // msmB1 and msmA are both one G1 point: a copied file would decode, but names its stage.
            try write(try bytes(checkpoint.fileURL(for: .msmB1)), checkpoint.fileURL(for: .msmA))
            let rerun = try prove(checkpoint)
            #expect(
                rerun.events.contains(
                    .rejected(
                        .msmA,
                        .checkpointMismatch(
                            path: checkpoint.fileURL(for: .msmA).path, reason: "the msmB1 stage, not msmA"))))
            #expect(rerun.proof == (try expectedProof()))
        }
    }

    // MARK: (d) Another key, another witness

    @Test func aCheckpointOfAnotherWitnessIsNotUsed() throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            let other = SyntheticCircuit.witness(constraints: 300, x: Fr(5), y: Fr(17))
            let rerun = try prove(checkpoint, witness: other)
            for stage in Self.proverStages {
                let path = checkpoint.fileURL(for: stage).path
                #expect(
                    rerun.events.contains(.rejected(stage, .checkpointMismatch(path: path, reason: "another witness"))))
                #expect(rerun.events.contains(.computed(stage)))
            }
            #expect(rerun.proof == (try expectedProof(witness: other)))
            #expect(
                try Verifier.verify(
                    key: Self.key.verificationKey, publicSignals: rerun.publicSignals, proof: rerun.proof))
            #expect(rerun.publicSignals == [other[1]])
        }
    }

    @Test func aCheckpointOfAnotherKeyIsNotUsed() throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            let rerun = try prove(checkpoint, key: Self.otherKey)
            for stage in Self.proverStages {
                let path = checkpoint.fileURL(for: stage).path
                #expect(
                    rerun.events.contains(
                        .rejected(stage, .checkpointMismatch(path: path, reason: "another proving key"))))
                #expect(rerun.events.contains(.computed(stage)))
            }
            #expect(rerun.proof == (try expectedProof(key: Self.otherKey)))
            #expect(
                try Verifier.verify(
                    key: Self.otherKey.verificationKey, publicSignals: rerun.publicSignals, proof: rerun.proof))
            #expect(ProofCheckpoint.fingerprint(of: Self.key) != ProofCheckpoint.fingerprint(of: Self.otherKey))
        }
    }

    // MARK: (e) Intact files whose values fail their checks

    /// A file with a correct header and checksum around `payload`, as a buggy or foreign writer could make.
    func writeValidLooking(_ stage: ProofCheckpoint.Stage, payload: [UInt8], in checkpoint: ProofCheckpoint) throws {
        let binding = ProofCheckpoint.binding(key: Self.key, witness: Self.circuit.witness)
        let file = ProofCheckpoint.encodeFile(stage: stage, binding: binding, payloadSize: payload.count) { out in
            out.copyBytes(from: payload)
        }
        try write(file, checkpoint.fileURL(for: stage))
    }

    @Test func aG1PointOffTheCurveIsRejected() throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            // (1, 1): 1 ≠ 1 + 3.
            let offCurve = Fq(1).bigEndianBytes + Fq(1).bigEndianBytes
            try writeValidLooking(.msmA, payload: offCurve, in: checkpoint)
            let rerun = try prove(checkpoint)
            let reason = rejectedAsCorrupt(rerun.events, .msmA)
            #expect(reason?.contains("not on the G1 curve") == true, "\(rerun.events)")
            #expect(rerun.proof == (try expectedProof()))
        }
    }

    @Test func aG2PointOutsideTheSubgroupIsRejected() throws {
        // A point of the twist that is not in G2 (the cofactor is large: almost every point is outside).
        var point: G2Affine?
        for k in UInt64(1)...100 {
            let x = Fq2(Fq(k), Fq(1))
            if let y = (x.squared() * x + G2Parameters.b).squareRoot() {
                let candidate = G2Affine(unchecked: x, y)
                if candidate.isOnCurve && !candidate.isInSubgroup {
                    point = candidate
                    break
                }
            }
        }
        let outside = try #require(point)
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            try writeValidLooking(.msmB2, payload: outside.ethereumBytes, in: checkpoint)
            let rerun = try prove(checkpoint)
            let reason = rejectedAsCorrupt(rerun.events, .msmB2)
            #expect(reason?.contains("prime-order subgroup") == true, "\(rerun.events)")
            #expect(rerun.proof == (try expectedProof()))
        }
    }

    @Test func aCoordinateOrScalarOutOfRangeIsRejected() throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            // x = q: the canonical encoding of 0, but not below q.
            let x = FqParameters.modulus
            var coordinate: [UInt8] = []
            for limb in [x.3, x.2, x.1, x.0] { withUnsafeBytes(of: limb.bigEndian) { coordinate += $0 } }
            try writeValidLooking(.msmC, payload: coordinate + Fq(2).bigEndianBytes, in: checkpoint)
            // h with one value ≥ r.
            try FileManager.default.removeItem(at: checkpoint.fileURL(for: .msmH))
            var h = [UInt8](repeating: 0, count: ProofCheckpoint.scalarSize * Self.key.domainSize)
            for i in 64..<96 { h[i] = 0xFF }
            try writeValidLooking(.h, payload: h, in: checkpoint)

            let rerun = try prove(checkpoint)
            #expect(
                rejectedAsCorrupt(rerun.events, .msmC)?.contains("not below the modulus") == true, "\(rerun.events)")
            #expect(rejectedAsCorrupt(rerun.events, .h)?.contains("not below the modulus") == true, "\(rerun.events)")
            #expect(rerun.proof == (try expectedProof()))
        }
    }

    // MARK: The witness, failures to save, removal

    @Test func theWitnessIsKeptOnlyWhenAskedAndReadBackChecked() throws {
        try withCheckpoint { checkpoint in
            guard case .absent = checkpoint.loadWitness(for: Self.key) else {
                Issue.record("a new checkpoint has no witness")
                return
            }
            try checkpoint.saveWitness(Self.circuit.witness, for: Self.key)
            guard case .loaded(let witness) = checkpoint.loadWitness(for: Self.key) else {
                Issue.record("the saved witness did not load")
                return
            }
            #expect(witness == Self.circuit.witness)
            guard
                case .rejected(.checkpointMismatch(_, "another proving key")) = checkpoint.loadWitness(
                    for: Self.otherKey)
            else {
                Issue.record("a witness saved for another key was accepted")
                return
            }
            // The MSM files of a proof of the loaded witness match it.
            _ = try prove(checkpoint, witness: witness)
            #expect(
                try prove(checkpoint, witness: witness).events.allSatisfy {
                    if case .resumed = $0 { true } else { false }
                })

            let url = checkpoint.fileURL(for: .witness)
            var file = try bytes(url)
            file[ProofCheckpoint.headerSize + 40] ^= 0x04
            try write(file, url)
            guard case .rejected(.checkpointCorrupt) = checkpoint.loadWitness(for: Self.key) else {
                Issue.record("a damaged witness file was accepted")
                return
            }
            try checkpoint.remove()
            #expect(!exists(checkpoint.directory))
        }
    }

    @Test func aCheckpointThatCannotBeWrittenDoesNotFailTheProof() throws {
        try withCheckpoint { checkpoint in
            // The checkpoint's directory would have to be inside a regular file.
            try FileManager.default.createDirectory(at: checkpoint.directory, withIntermediateDirectories: true)
            let blocker = checkpoint.directory.appendingPathComponent("file")
            try write([1, 2, 3], blocker)
            let unwritable = ProofCheckpoint(directory: blocker.appendingPathComponent("checkpoint"))
            let result = try prove(unwritable)
            for stage in Self.proverStages {
                #expect(reports(saveFailureOf: stage, in: result.events), "\(stage): \(result.events)")
            }
            #expect(result.proof == (try expectedProof()))
            #expect(throws: Never.self) { try unwritable.remove() }
        }
    }

    func reports(saveFailureOf stage: ProofCheckpoint.Stage, in events: [ProofCheckpoint.Event]) -> Bool {
        events.contains { if case .saveFailed(stage, .checkpointUnwritable) = $0 { true } else { false } }
    }

    @Test func removeLeavesFilesThatAreNotTheCheckpoints() throws {
        try withCheckpoint { checkpoint in
            _ = try prove(checkpoint)
            let other = checkpoint.directory.appendingPathComponent("job.wtns")
            try write([1, 2, 3], other)
            try checkpoint.remove()
            #expect(exists(other))
            for stage in ProofCheckpoint.Stage.allCases { #expect(!exists(checkpoint.fileURL(for: stage))) }
        }
    }

    @Test func eventsReadAsAUserWouldSeeThem() {
        #expect(ProofCheckpoint.Event.resumed(.msmA).description == "resumed msmA from the checkpoint")
        let error = Groth16Error.checkpointMismatch(path: "/x/msmA.ckpt", reason: "another witness")
        #expect(
            ProofCheckpoint.Event.rejected(.msmA, error).description
                == "the checkpoint file /x/msmA.ckpt was written for another witness; computing msmA again")
    }
}

/// The hash under the fingerprints and checksums.
@Suite struct CheckpointHashTests {
    @Test func everySingleBitFlipChangesTheHash() {
        var bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let original = CheckpointHash.of(bytes)
        for i in bytes.indices {
            for bit in 0..<8 {
                bytes[i] ^= 1 << bit
                #expect(CheckpointHash.of(bytes) != original, "byte \(i) bit \(bit)")
                bytes[i] ^= 1 << bit
            }
        }
        #expect(CheckpointHash.of(bytes) == original)
    }

    @Test func lengthMatters() {
        let hashes = (0..<20).map { CheckpointHash.of([UInt8](repeating: 0, count: $0)) }
        #expect(Set(hashes.map(\.low)).count == hashes.count)
        #expect(Set(hashes.map(\.high)).count == hashes.count)
    }

    @Test func bytesRoundTrip() {
        let hash = CheckpointHash.of(Array("ProverNet".utf8))
        #expect(CheckpointHash(hash.bytes, at: 0) == hash)
    }
}
