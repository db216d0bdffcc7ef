import BN254
import Foundation
import Groth16
import Testing

@testable import SnarkPack

/// Real snarkjs ptau files from two unrelated projects' ceremonies (power 12), when a copy is at hand: they
/// are not in the shared test data and are never committed. To run it, copy them to /tmp/ptau (or name
/// other files in $SNARKPACK_PTAU_A, $SNARKPACK_PTAU_B, $SNARKPACK_PTAU_ZERO):
///
///   git -C eitjuh/zk-snarks @39dce2a show HEAD:pot12_0001.ptau > /tmp/ptau/e.ptau     (one contribution)
///   git -C eitjuh/zk-snarks @39dce2a show HEAD:pot12_0000.ptau > /tmp/ptau/zero.ptau  (no contribution: τ = 1)
///   git -C ParesSensei/zk-snark-experiment-1 @fcf8de9 show HEAD:pot12_final.ptau > /tmp/ptau/p.ptau
@Suite struct RealPowersOfTauTests {
    static func file(_ variable: String, _ fallback: String) -> [UInt8]? {
        let path = ProcessInfo.processInfo.environment[variable] ?? fallback
        guard let data = FileManager.default.contents(atPath: path) else {
            print("SKIPPED: no real ptau at \(path) (set $\(variable) or copy one there)")
            return nil
        }
        return [UInt8](data)
    }

    @Test func twoRealCeremoniesMakeAReferenceStringThatAggregates() throws {
        guard let a = Self.file("SNARKPACK_PTAU_A", "/tmp/ptau/e.ptau"),
            let b = Self.file("SNARKPACK_PTAU_B", "/tmp/ptau/p.ptau")
        else { return }
        let srs = try SRS.fromPowersOfTau(a, file: "A", b, file: "B", maxProofs: 8, threads: Fixtures.threads)
        #expect(srs.maxProofs == 8)
        let set = Fixtures.synthetic
        let p = try Aggregator.aggregate(
            proofs: Array(set.proofs.prefix(5)), publicSignals: Array(set.publicSignals.prefix(5)),
            verificationKey: set.key,
            srs: srs, threads: Fixtures.threads)
        #expect(
            try AggregateVerifier.verify(
                aggregate: p, publicSignals: Array(set.publicSignals.prefix(5)), verificationKey: set.key,
                srs: srs.verifierKey))
        #expect(throws: SnarkPackError.identicalSecrets) {
            try SRS.fromPowersOfTau(a, file: "A", a, file: "A", maxProofs: 2)
        }
    }

    @Test func aCeremonyWithoutContributionIsRefused() throws {
        guard let zero = Self.file("SNARKPACK_PTAU_ZERO", "/tmp/ptau/zero.ptau"),
            let b = Self.file("SNARKPACK_PTAU_B", "/tmp/ptau/p.ptau")
        else { return }
        #expect(throws: SnarkPackError.invalidSRS("a secret is 0 or 1")) {
            try SRS.fromPowersOfTau(zero, file: "zero", b, file: "B", maxProofs: 2)
        }
    }
}
