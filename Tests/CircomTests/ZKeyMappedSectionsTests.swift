import BN254
import Circom
import Foundation
import Groth16
import Testing

/// A key read with `keepSectionsMapped` (how a prover reads it): its sections stay in the mapped file, are
/// checked as a decoded key's are, read the same, and prove the same proofs.
@Suite("zkey sections kept mapped")
struct ZKeyMappedSectionsTests {
    /// A synthetic circuit's key written to a fresh file, with its witness.
    static func keyFile(constraints: Int) throws -> (url: URL, witness: [Fr], directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkey-mapped-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (r1cs, witness) = SyntheticCircuit.make(constraints: constraints)
        let key = try DevelopmentSetup.setup(r1cs: r1cs, threads: 2)
        let url = directory.appendingPathComponent("circuit.zkey")
        try ZKeyFile(provingKey: key).write(to: url)
        return (url, witness, directory)
    }

    /// The byte offset of section `type`'s payload in an iden3 container.
    static func sectionOffset(_ bytes: [UInt8], _ type: UInt32) -> Int? {
        func u32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        func u64(_ at: Int) -> Int { bytes[at..<(at + 8)].reversed().reduce(0) { $0 << 8 | Int($1) } }
        var at = 12
        for _ in 0..<Int(u32(8)) {
            if u32(at) == type { return at + 12 }
            at += 12 + u64(at + 4)
        }
        return nil
    }

    @Test("the mapped key reads as the decoded one, writes the same bytes and proves the same proof")
    func sameKeySameProof() throws {
        let (url, witness, directory) = try Self.keyFile(constraints: 300)
        defer { try? FileManager.default.removeItem(at: directory) }
        let decoded = try ZKeyFile(contentsOf: url, options: .init(checkB2Subgroup: false)).provingKey
        let mappedFile = try ZKeyFile(contentsOf: url, options: .prover)
        let mapped = mappedFile.provingKey
        #expect(decoded.encoded == nil)
        #expect(mapped.encoded != nil)
        try mapped.validate()
        #expect(mapped.coefficientCount == decoded.coefficients.count)
        #expect(mapped.coefficients == decoded.coefficients)
        #expect(mapped.a == decoded.a)
        #expect(mapped.b1 == decoded.b1)
        #expect(mapped.b2 == decoded.b2)
        #expect(mapped.c == decoded.c)
        #expect(mapped.h == decoded.h)
        #expect(mappedFile.encoded() == (try [UInt8](Data(contentsOf: url))))

        let r = Fr(12345)
        let s = Fr(67890)
        var timings = ProverTimings()
        let fromDecoded = try Prover.prove(key: decoded, witness: witness, r: r, s: s, threads: 2, timings: &timings)
        // Twice: the second proof reads the sections again after the first let their pages go.
        for _ in 0..<2 {
            let fromMapped = try Prover.prove(key: mapped, witness: witness, r: r, s: s, threads: 2, timings: &timings)
            #expect(fromMapped.proof == fromDecoded.proof)
            #expect(fromMapped.publicSignals == fromDecoded.publicSignals)
        }
        // Verified against the key as a snarkjs verification_key.json gives it.
        let json = mapped.verificationKey.snarkjsJSON
        let verificationKey = try VerificationKey(snarkjsJSON: json)
        let (proof, signals) = try Prover.prove(key: mapped, witness: witness, threads: 2)
        #expect(try Verifier.verify(key: verificationKey, publicSignals: signals, proof: proof))

        // A decoded copy of the mapped key is the decoded key.
        var copy = mapped
        copy.decode()
        #expect(copy.encoded == nil)
        #expect(copy.a == decoded.a && copy.coefficients == decoded.coefficients)
    }

    @Test("a checkpoint written with the mapped key resumes with the decoded key: the fingerprints agree")
    func checkpointFingerprint() throws {
        let (url, witness, directory) = try Self.keyFile(constraints: 100)
        defer { try? FileManager.default.removeItem(at: directory) }
        let mapped = try ZKeyFile(contentsOf: url, options: .prover).provingKey
        let decoded = try ZKeyFile(contentsOf: url, options: .init(checkB2Subgroup: false)).provingKey
        let checkpoint = ProofCheckpoint(directory: directory.appendingPathComponent("checkpoint"))
        let first = try Prover.prove(key: mapped, witness: witness, threads: 1, checkpoint: checkpoint)
        var events: [ProofCheckpoint.Event] = []
        let second = try Prover.prove(key: decoded, witness: witness, threads: 1, checkpoint: checkpoint) {
            events.append($0)
        }
        // Fresh r and s each time, so the proofs differ; both verify.
        for (proof, signals) in [first, second] {
            #expect(try Verifier.verify(key: mapped.verificationKey, publicSignals: signals, proof: proof))
        }
        #expect(!events.isEmpty && events.allSatisfy { if case .resumed = $0 { true } else { false } })
    }

    @Test("the mapped loader rejects what the decoding loader rejects")
    func mappedLoaderChecks() throws {
        let (url, _, directory) = try Self.keyFile(constraints: 50)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try [UInt8](Data(contentsOf: url))
        let damaged = directory.appendingPathComponent("damaged.zkey")

        // Point 2 of B1 (section 6): y + 1 takes it off the curve.
        var offCurve = bytes
        let b1 = try #require(Self.sectionOffset(bytes, 6))
        offCurve[b1 + 2 * 64 + 32] ^= 1
        try Data(offCurve).write(to: damaged)
        #expect {
            try ZKeyFile(contentsOf: damaged, options: .prover)
        } throws: { error in
            guard case .pointNotOnCurve(_, 6, 2, _, "G1")? = error as? CircomError else { return false }
            return true
        }

        // A coefficient (section 4) naming a wire past the last.
        var badWire = bytes
        let coefficients = try #require(Self.sectionOffset(bytes, 4))
        for k in 0..<4 { badWire[coefficients + 4 + 8 + k] = 0xff }
        try Data(badWire).write(to: damaged)
        #expect {
            try ZKeyFile(contentsOf: damaged, options: .prover)
        } throws: { error in
            guard case .countMismatch(_, 4, _)? = error as? CircomError else { return false }
            return true
        }
    }
}
