import BN254

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The on-disk intermediate state of one proof, so that a prover which dies (its process or its machine)
/// resumes where it was instead of starting over: `Prover.prove(key:witness:threads:checkpoint:progress:)`
/// saves the H evaluations and each finished MSM here, and on the next run loads every stage that is
/// already there.
///
/// Each stage is one file in `directory`, written atomically (temporary file, fsync, rename) with a header
/// that binds it to the proving key and the witness and a checksum over the whole file (the format is in
/// `ProofCheckpoint+Encoding.swift`). A file that is damaged, written for another key or witness, or whose
/// values fail their decoding checks is never used: the stage is computed again and the file replaced,
/// and the caller hears of it through `Event.rejected`.
///
/// The blinding scalars r and s are not stored: the MSMs do not depend on them, so a resumed proof is
/// blinded with fresh ones and is as valid (and as zero-knowledge) as one proved in a single run.
///
/// One directory holds one proof at a time; a caller proving several jobs gives each its own directory,
/// and calls `remove()` once the proof is delivered.
public struct ProofCheckpoint: Sendable, Equatable {
    /// The steps of a proof whose results a checkpoint keeps, in the order the prover finishes them
    /// (the witness, which the caller computes, first).
    public enum Stage: String, Sendable, CaseIterable, CustomStringConvertible {
        /// The witness itself, kept only when the caller saves it (`saveWitness(_:for:)`).
        case witness
        /// h = A·B − C on the odd coset, the input of the H MSM.
        case h
        /// Σ hᵢ·Hᵢ in G1.
        case msmH
        /// Σ wᵢ·Aᵢ in G1.
        case msmA
        /// Σ wᵢ·Bᵢ in G1.
        case msmB1
        /// Σ wᵢ·Bᵢ in G2.
        case msmB2
        /// Σ wᵢ·Cᵢ over the private wires, in G1.
        case msmC

        public var description: String { rawValue }
    }

    /// What happened to one stage of a proof with a checkpoint, as `Prover.prove(…, progress:)` reports it.
    public enum Event: Sendable, Equatable, CustomStringConvertible {
        /// The stage was read from the checkpoint, not computed.
        case resumed(Stage)
        /// The checkpoint had a file for the stage that could not be used (`error` says why); the stage is
        /// computed again and the file replaced.
        case rejected(Stage, Groth16Error)
        /// The stage was computed; it is saved next, unless `saveFailed` follows.
        case computed(Stage)
        /// The stage could not be saved. The proof goes on (nothing is lost but the chance to resume this
        /// stage after a crash); a caller that cares, for example about a full disk, acts on it.
        case saveFailed(Stage, Groth16Error)

        /// The stage the event is about.
        public var stage: Stage {
            switch self {
            case .resumed(let stage), .rejected(let stage, _), .computed(let stage), .saveFailed(let stage, _):
                return stage
            }
        }

        public var description: String {
            switch self {
            case .resumed(let stage): return "resumed \(stage) from the checkpoint"
            case .rejected(let stage, let error): return "\(error); computing \(stage) again"
            case .computed(let stage): return "computed \(stage)"
            case .saveFailed(let stage, let error): return "could not save \(stage), the proof goes on: \(error)"
            }
        }
    }

    /// What a checkpoint holds for a stage.
    public enum LoadResult<Value> {
        /// No file for the stage.
        case absent
        /// A valid file, and what it holds.
        case loaded(Value)
        /// A file that cannot be used, and why.
        case rejected(Groth16Error)
    }

    /// The directory of the files; it is created on the first save.
    public let directory: URL

    /// A checkpoint in `directory`. Nothing is read or created until a proof uses it.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The file that holds `stage`.
    public func fileURL(for stage: Stage) -> URL {
        directory.appendingPathComponent(Self.fileName(stage))
    }

    /// Saves the witness, so that a restarted prover can read it back with `loadWitness(for:)` instead of
    /// computing it again. Optional: a caller for whom the witness is cheap need not.
    public func saveWitness(_ witness: [Fr], for key: ProvingKey) throws(Groth16Error) {
        let values = Self.encodedScalars(witness)
        let binding = Binding(key: Self.fingerprint(of: key), witness: CheckpointHash.of(values))
        try save(.witness, binding: binding, payloadSize: values.count) { out in
            out.copyBytes(from: values)
        }
    }

    /// The witness that `saveWitness(_:for:)` saved for `key`, if the file is there and valid.
    public func loadWitness(for key: ProvingKey) -> LoadResult<[Fr]> {
        let path = fileURL(for: .witness).path
        let file: CheckpointFileContents
        switch read(.witness, key: Self.fingerprint(of: key), witness: nil) {
        case .absent: return .absent
        case .rejected(let error): return .rejected(error)
        case .loaded(let contents): file = contents
        }
        // The witness file names itself: its witness fingerprint is the hash of its own payload.
        guard CheckpointHash.of(file.bytes, file.payload) == file.witness else {
            return .rejected(.checkpointCorrupt(path: path, reason: "the witness does not match its fingerprint"))
        }
        guard file.payload.count == key.nVars * Self.scalarSize else {
            return .rejected(
                .checkpointMismatch(
                    path: path, reason: "a witness of \(file.payload.count / Self.scalarSize) values, not \(key.nVars)")
            )
        }
        do {
            return .loaded(try Self.decodeScalars(file.bytes[file.payload]))
        } catch {
            return .rejected(.checkpointCorrupt(path: path, reason: error.description))
        }
    }

    /// Deletes the checkpoint's files (those of a crashed write included), then the directory if nothing
    /// else is left in it. A checkpoint that is not there is removed already.
    public func remove() throws(Groth16Error) {
        let path = directory.path
        guard let names = try AtomicFile.names(inDirectory: path) else { return }
        let ours = Stage.allCases.map(Self.fileName)
        var others = false
        for name in names {
            // A stage's file, or the temporary file of a write that a crash interrupted.
            if ours.contains(where: { name == $0 || name.hasPrefix($0 + AtomicFile.temporaryMarker) }) {
                try AtomicFile.removeFile(atPath: directory.appendingPathComponent(name).path)
            } else {
                others = true
            }
        }
        if !others { try AtomicFile.removeDirectory(atPath: path) }
    }

    static func fileName(_ stage: Stage) -> String { "\(stage.rawValue).ckpt" }
}

extension ProofCheckpoint.LoadResult: Sendable where Value: Sendable {}

extension ProofCheckpoint {
    /// The fingerprints that a proof's files must carry: its key's and its witness's.
    struct Binding: Equatable {
        var key: CheckpointHash
        var witness: CheckpointHash
    }

    /// How one stage's value is written as a payload and read back with the BN254 decoding checks.
    struct Codec<Value> {
        /// The payload's exact size in bytes.
        var size: Int
        var encode: (Value, UnsafeMutableRawBufferPointer) -> Void
        var decode: (ArraySlice<UInt8>) throws(BN254Error) -> Value
    }

    /// The fingerprints of `key` and `witness`, computed once per proof.
    static func binding(key: ProvingKey, witness: [Fr]) -> Binding {
        Binding(key: fingerprint(of: key), witness: CheckpointHash.of(encodedScalars(witness)))
    }

    /// The value of `stage` if its file is there, intact, bound to `binding` and passes `codec`'s checks.
    func load<Value>(_ stage: Stage, binding: Binding, codec: Codec<Value>) -> LoadResult<Value> {
        let path = fileURL(for: stage).path
        let file: CheckpointFileContents
        switch read(stage, key: binding.key, witness: binding.witness) {
        case .absent: return .absent
        case .rejected(let error): return .rejected(error)
        case .loaded(let contents): file = contents
        }
        guard file.payload.count == codec.size else {
            return .rejected(
                .checkpointCorrupt(
                    path: path, reason: "a payload of \(file.payload.count) bytes, expected \(codec.size)"))
        }
        do {
            return .loaded(try codec.decode(file.bytes[file.payload]))
        } catch {
            return .rejected(.checkpointCorrupt(path: path, reason: error.description))
        }
    }

    /// Saves `value` as the file of `stage`, replacing any file that was there.
    func save<Value>(_ stage: Stage, _ value: Value, binding: Binding, codec: Codec<Value>) throws(Groth16Error) {
        try save(stage, binding: binding, payloadSize: codec.size) { out in codec.encode(value, out) }
    }

    private func save(
        _ stage: Stage, binding: Binding, payloadSize: Int, payload: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(Groth16Error) {
        try AtomicFile.createDirectory(path: directory.path)
        let bytes = Self.encodeFile(stage: stage, binding: binding, payloadSize: payloadSize, payload: payload)
        try AtomicFile.replaceContents(atPath: fileURL(for: stage).path, with: bytes)
    }

    /// The checked contents of `stage`'s file: the header's magic, version, stage and key fingerprint, the
    /// witness fingerprint unless `witness` is nil (the witness file's own is checked by its reader), and
    /// the checksum.
    private func read(_ stage: Stage, key: CheckpointHash, witness: CheckpointHash?) -> LoadResult<
        CheckpointFileContents
    > {
        let path = fileURL(for: stage).path
        do {
            guard let bytes = try AtomicFile.contents(atPath: path) else { return .absent }
            return .loaded(try Self.decodeFile(bytes, path: path, stage: stage, key: key, witness: witness))
        } catch {
            return .rejected(error)
        }
    }
}
