import BN254
import Groth16

extension Transcript {
    /// The domain separator of this aggregation (protocol, curve, encoding version).
    static let domain = "provernet/snarkpack/groth16-bn254/v1"

    /// The transcript after the statement: the reference string's verifier key, the Groth16 verification
    /// key, the number of proofs before and after padding, and every public signal of every (padded) proof.
    /// Binding the public signals before the first challenge is what keeps an aggregator from choosing them
    /// after seeing r (against which the reference implementations warn in their "transcript include").
    static func statement(
        srs: VerifierKey, verificationKey vk: VerificationKey, count: Int, paddedPublicSignals: [[Fr]]
    ) -> Transcript {
        var t = Transcript(domain: domain)
        t.append("srs", srs.transcriptBytes)
        var key = vk.alpha1.compressed + vk.beta2.compressed + vk.gamma2.compressed + vk.delta2.compressed
        key += Transcript.littleEndian(UInt64(vk.ic.count), bytes: 4)
        for point in vk.ic { key += point.compressed }
        t.append("groth16-verification-key", key)
        t.append(
            "count",
            Transcript.littleEndian(UInt64(count), bytes: 4)
                + Transcript.littleEndian(UInt64(paddedPublicSignals.count), bytes: 4))
        var signals: [UInt8] = []
        signals.reserveCapacity(paddedPublicSignals.count * vk.publicCount * 32)
        for list in paddedPublicSignals { for s in list { signals += s.bigEndianBytes } }
        t.append("public-signals", signals)
        return t
    }

    mutating func append(_ label: String, _ pair: CommitmentPair) {
        append(label, TargetGroup.compressed(pair.t) + TargetGroup.compressed(pair.u))
    }

    /// The messages of one GIPA round, in the order of the encoding.
    mutating func append(round: AggregateProof.Round) {
        append("tab_l", round.tabL)
        append("tab_r", round.tabR)
        append("tuc_l", round.tucL)
        append("tuc_r", round.tucR)
        append("zab_l", round.zabL)
        append("zab_r", round.zabR)
        append("zc_l", round.zcL)
        append("zc_r", round.zcR)
    }

    /// The final vectors and keys, before the KZG challenge.
    mutating func appendFinal(_ p: AggregateProof) {
        append("final_a", p.finalA)
        append("final_b", p.finalB)
        append("final_c", p.finalC)
        append("final_v", p.finalV.0.compressed + p.finalV.1.compressed)
        append("final_w", p.finalW.0.compressed + p.finalW.1.compressed)
    }
}
