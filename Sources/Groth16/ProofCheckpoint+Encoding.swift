import BN254

/// The checkpoint file format, version 1. Every integer is little-endian.
///
///     offset  size  field
///          0     8  magic "G16CKPT\0"
///          8     4  format version (1)
///         12     4  stage (1 witness, 2 h, 3 msmH, 4 msmA, 5 msmB1, 6 msmB2, 7 msmC)
///         16    16  fingerprint of the proving key (`fingerprint(of:)`)
///         32    16  fingerprint of the witness: the hash of its values in canonical form, 32 bytes
///                   little-endian each (the .wtns encoding)
///         48     8  payload size L in bytes
///         56     L  payload
///       56+L    16  checksum: the hash of bytes 0 ..< 56 + L
///
/// Payloads: scalars (the witness, h) as canonical 32-byte little-endian integers, which must be below r;
/// a G1 point in the 64-byte EIP-196 encoding (range and curve checked; G1 has cofactor 1, so on the curve
/// is in the group); a G2 point in the 128-byte EIP-197 encoding (range, curve and subgroup checked). The
/// hash is `CheckpointHash`, which detects corruption and mismatch, not an adversary.
extension ProofCheckpoint {
    static let magic: [UInt8] = Array("G16CKPT\0".utf8)
    static let formatVersion: UInt32 = 1
    static let headerSize = 56
    static let scalarSize = 32

    /// Encodes a whole file: header, `payloadSize` bytes written by `payload`, checksum. The file is built
    /// in one buffer so that the largest payload (h, 32 bytes per domain point) is not copied twice.
    static func encodeFile(
        stage: Stage, binding: Binding, payloadSize: Int, payload: (UnsafeMutableRawBufferPointer) -> Void
    ) -> [UInt8] {
        let checked = headerSize + payloadSize
        var file = [UInt8](repeating: 0, count: checked + CheckpointHash.byteCount)
        file.withUnsafeMutableBytes { raw in
            raw.copyBytes(from: magic)
            raw.storeBytes(of: formatVersion.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: stage.code.littleEndian, toByteOffset: 12, as: UInt32.self)
            store(binding.key, into: raw, at: 16)
            store(binding.witness, into: raw, at: 32)
            raw.storeBytes(of: UInt64(payloadSize).littleEndian, toByteOffset: 48, as: UInt64.self)
            payload(UnsafeMutableRawBufferPointer(rebasing: raw[headerSize..<checked]))
            let checksum = CheckpointHash.of(UnsafeRawBufferPointer(rebasing: raw[0..<checked]))
            store(checksum, into: raw, at: checked)
        }
        return file
    }

    /// Checks a file's header and checksum and returns where its payload is. The checks run in the order
    /// that names the problem best: a damaged file is reported as damaged (checksum) before its damaged
    /// fingerprint could make it look like another key's.
    static func decodeFile(
        _ bytes: [UInt8], path: String, stage: Stage, key: CheckpointHash, witness: CheckpointHash?
    ) throws(Groth16Error) -> CheckpointFileContents {
        let trailer = CheckpointHash.byteCount
        guard bytes.count >= headerSize + trailer else {
            throw .checkpointCorrupt(path: path, reason: "\(bytes.count) bytes, too short for a checkpoint file")
        }
        guard bytes[0..<magic.count].elementsEqual(magic) else {
            throw .checkpointCorrupt(path: path, reason: "not a checkpoint file (wrong magic)")
        }
        let version = bytes.littleEndianUInt32(at: 8)
        guard version == formatVersion else {
            throw .checkpointMismatch(
                path: path, reason: "format version \(version) (this prover reads version \(formatVersion))")
        }
        let payloadSize = bytes.littleEndianUInt64(at: 48)
        let available = bytes.count - headerSize - trailer
        guard payloadSize == UInt64(available) else {
            throw .checkpointCorrupt(
                path: path, reason: "the header announces \(payloadSize) payload bytes, the file has \(available)")
        }
        let checked = headerSize + available
        guard CheckpointHash(bytes, at: checked) == CheckpointHash.of(bytes, 0..<checked) else {
            throw .checkpointCorrupt(path: path, reason: "checksum mismatch")
        }
        let code = bytes.littleEndianUInt32(at: 12)
        guard code == stage.code else {
            let other = Stage.allCases.first { $0.code == code }.map { "the \($0) stage" } ?? "stage \(code)"
            throw .checkpointMismatch(path: path, reason: "\(other), not \(stage)")
        }
        guard CheckpointHash(bytes, at: 16) == key else {
            throw .checkpointMismatch(path: path, reason: "another proving key")
        }
        let fileWitness = CheckpointHash(bytes, at: 32)
        if let witness, fileWitness != witness {
            throw .checkpointMismatch(path: path, reason: "another witness")
        }
        return CheckpointFileContents(bytes: bytes, payload: headerSize..<checked, witness: fileWitness)
    }

    /// A fingerprint of the proving key: its sizes, its fixed points (α, β, γ, δ, IC) and the first and last
    /// entry of every query and of the coefficients. Two keys of one circuit differ in δ (each setup's phase
    /// 2 draws its own); two circuits of one setup differ in their sizes, coefficients or query points.
    /// Hashing every point instead would cost a pass over the whole key on every proof.
    static func fingerprint(of key: ProvingKey) -> CheckpointHash {
        var bytes: [UInt8] = []
        for size in [key.nVars, key.nPublic, key.domainSize, key.coefficientCount] {
            bytes.appendLittleEndian(UInt64(size))
        }
        // The ends of each section, read without decoding the sections of an encoded key.
        let ends = key.sectionEnds
        let g1 = [key.alpha1, key.beta1, key.delta1] + key.ic + ends.g1
        let g2 = [key.beta2, key.gamma2, key.delta2] + ends.g2
        for point in g1 { bytes += point.ethereumBytes }
        for point in g2 { bytes += point.ethereumBytes }
        for k in ends.coefficients {
            bytes.appendLittleEndian(k.matrix.rawValue)
            bytes.appendLittleEndian(k.constraint)
            bytes.appendLittleEndian(k.signal)
            bytes += k.value.littleEndianBytes
        }
        return CheckpointHash.of(bytes)
    }

    /// Scalars in canonical form, 32 bytes little-endian each.
    static func encodedScalars(_ values: [Fr]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: values.count * scalarSize) { buffer, initialized in
            encodeScalars(values, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = values.count * scalarSize
        }
    }

    static func encodeScalars(_ values: [Fr], into out: UnsafeMutableRawBufferPointer) {
        for (i, value) in values.enumerated() {
            let limbs = value.canonical
            out.storeBytes(of: limbs.0.littleEndian, toByteOffset: scalarSize * i, as: UInt64.self)
            out.storeBytes(of: limbs.1.littleEndian, toByteOffset: scalarSize * i + 8, as: UInt64.self)
            out.storeBytes(of: limbs.2.littleEndian, toByteOffset: scalarSize * i + 16, as: UInt64.self)
            out.storeBytes(of: limbs.3.littleEndian, toByteOffset: scalarSize * i + 24, as: UInt64.self)
        }
    }

    /// Reads canonical 32-byte little-endian scalars; `Fr(canonical:)` fails on a value not below r.
    static func decodeScalars(_ bytes: ArraySlice<UInt8>) throws(BN254Error) -> [Fr] {
        let count = bytes.count / scalarSize
        var values: [Fr] = []
        values.reserveCapacity(count)
        // withUnsafeBytes rethrows untyped errors: the typed one travels out in a Result.
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BN254Error) in
                for i in 0..<count {
                    let offset = scalarSize * i
                    let limbs = (
                        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
                        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)),
                        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
                    )
                    values.append(try Fr(canonical: limbs))
                }
            }
        }.get()
        return values
    }

    /// `count` scalars (h: one per domain point).
    static func scalarCodec(count: Int) -> Codec<[Fr]> {
        Codec(
            size: count * scalarSize,
            encode: { values, out in encodeScalars(values, into: out) },
            decode: { (bytes) throws(BN254Error) in try decodeScalars(bytes) })
    }

    /// An MSM result in G1.
    static var g1Codec: Codec<G1Jacobian> {
        Codec(
            size: 64,
            encode: { point, out in out.copyBytes(from: point.toAffine().ethereumBytes) },
            decode: { (bytes) throws(BN254Error) in G1Jacobian(try G1Affine(ethereumBytes: bytes)) })
    }

    /// An MSM result in G2.
    static var g2Codec: Codec<G2Jacobian> {
        Codec(
            size: 128,
            encode: { point, out in out.copyBytes(from: point.toAffine().ethereumBytes) },
            decode: { (bytes) throws(BN254Error) in G2Jacobian(try G2Affine(ethereumBytes: bytes)) })
    }

    private static func store(_ hash: CheckpointHash, into raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        raw.storeBytes(of: hash.low.littleEndian, toByteOffset: offset, as: UInt64.self)
        raw.storeBytes(of: hash.high.littleEndian, toByteOffset: offset + 8, as: UInt64.self)
    }
}

extension ProofCheckpoint.Stage {
    /// The number that names the stage inside its file, so that a file copied under another stage's name
    /// is not read as that stage.
    var code: UInt32 {
        switch self {
        case .witness: return 1
        case .h: return 2
        case .msmH: return 3
        case .msmA: return 4
        case .msmB1: return 5
        case .msmB2: return 6
        case .msmC: return 7
        }
    }
}

/// A checkpoint file whose header and checksum were checked, before its payload is decoded.
struct CheckpointFileContents {
    var bytes: [UInt8]
    var payload: Range<Int>
    /// The witness fingerprint from the header.
    var witness: CheckpointHash
}
