import BN254
import Groth16

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Groth16 `.zkey` (snarkjs `src/zkey_utils.js`, version 1, protocol 1). Section 1: the protocol;
/// 2: primes, counts and α₁ β₁ β₂ γ₂ δ₁ δ₂; 3: IC; 4: the A and B coefficients; 5, 6, 7: the A, B1, B2
/// points per wire; 8: C for the private wires; 9: H on the odd coset of the 2n-domain; 10: the circuit
/// hash and the ceremony's contributions, which provers ignore.
///
/// Points are in Montgomery form, little-endian, infinity as zeros. A coefficient is stored as the integer
/// coef·R² mod r with R = 2^256 (snarkjs multiplies by R² when writing and by R⁻² when reading, `readFr2`):
/// read as a Montgomery representative that is the element coef·R, so the reader multiplies by R⁻¹.
/// `ProvingKey.coefficients` hold the true coefficients, the ones of the .r1cs.
public struct ZKeyFile: Sendable {
    public var provingKey: ProvingKey
    /// Section 10's payload as stored: a 64-byte circuit hash, a u32 count and the contributions. Readers of
    /// proving keys ignore it; it is kept so that a key re-writes to the same bytes.
    public var contributions: [UInt8]
    /// The order the sections had in the file read (`snarkjs zkey new` writes 1, 2, 4, 3, 9, 8, 5, 6, 7, 10;
    /// a contribution rewrites them 1 … 10), kept so that writing the file again gives the same bytes.
    public var sectionOrder: [UInt32]

    public static let defaultSectionOrder: [UInt32] = Array(1...10)
    /// An empty contributions section: a zero circuit hash and no contributions. snarkjs and rapidsnark prove
    /// with it; `snarkjs zkey verify` would report the circuit hash as not matching.
    public static let emptyContributions: [UInt8] = [UInt8](repeating: 0, count: 68)

    public init(
        provingKey: ProvingKey, contributions: [UInt8] = ZKeyFile.emptyContributions,
        sectionOrder: [UInt32] = ZKeyFile.defaultSectionOrder
    ) {
        self.provingKey = provingKey
        self.contributions = contributions
        self.sectionOrder = sectionOrder
    }

    /// How much checking a read does.
    public struct ReadOptions: Sendable {
        /// Whether each point of section 7 (B2, one per wire) is checked to lie in G2's prime-order subgroup,
        /// not only on the twist. On by default: it is a 128-bit scalar multiplication per point (the
        /// endomorphism test of El Housni–Guillevic–Piellard), about half the cost of loading a key, and runs
        /// on all workers. A prover loading a key it has checked before may turn it off: a B2 point outside the
        /// subgroup can only spoil its own proofs, which every verifier rejects. The verification key's
        /// β₂, γ₂, δ₂ are always checked.
        public var checkB2Subgroup: Bool
        /// The number of threads that decode large sections; 0 (the default) uses every processor the system
        /// lets this process use.
        public var workers: Int
        /// Whether the coefficients and the A, B1, B2, C, H points stay in the mapped file, in their encoding
        /// (`EncodedProvingKeySections`), instead of being decoded into arrays. They are checked all the same,
        /// and their pages let go as they are checked; the prover then reads each section in place during a
        /// proof and lets it go again, so a proof never holds the whole key. Needs `init(contentsOf:options:)`:
        /// a key parsed from bytes in memory is always decoded.
        public var keepSectionsMapped: Bool

        public init(checkB2Subgroup: Bool = true, workers: Int = 0, keepSectionsMapped: Bool = false) {
            self.checkB2Subgroup = checkB2Subgroup
            self.workers = workers
            self.keepSectionsMapped = keepSectionsMapped
        }

        public static var `default`: ReadOptions { ReadOptions() }

        /// How a prover reads its key: every point on its curve, but no B2 subgroup checks (22 s for 2^16
        /// wires on one core), and the large sections kept mapped (`keepSectionsMapped`). A B2 point outside G2
        /// can only spoil this prover's own proofs, and every proof is verified against a verification key whose
        /// points are always subgroup-checked.
        public static var prover: ReadOptions { ReadOptions(checkB2Subgroup: false, keepSectionsMapped: true) }
    }

    /// Reads a key through a read-only memory mapping: the points are decoded straight from the mapped pages
    /// into the key's arrays, and the pages are released once decoded, so the file is never held twice.
    public init(contentsOf url: URL, options: ReadOptions = .default) throws(CircomError) {
        let mapped = try MappedFile(path: url.path)
        try self.init(bytes: mapped.bytes, file: url.path, options: options, mapped: mapped)
    }

    /// Parses the bytes of a key; `file` names it in errors.
    public init(bytes: [UInt8], file: String = "<memory>", options: ReadOptions = .default) throws(CircomError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(CircomError) in try ZKeyFile(bytes: raw, file: file, options: options, mapped: nil) }
        }.get()
    }

    init(bytes: UnsafeRawBufferPointer, file: String, options: ReadOptions, mapped: MappedFile?) throws(CircomError) {
        let container = try Iden3Container(file: file, bytes: bytes, magic: "zkey", version: 1)
        let workers = options.workers > 0 ? options.workers : PointDecoding.defaultWorkers

        var protocolSection = try container.section(1, "protocol")
        try protocolSection.expectSize(4)
        let protocolID = try protocolSection.u32()
        guard protocolID == 1 else { throw .unsupportedProtocol(file: file, protocolID: protocolID) }

        var header = try container.section(2, "Groth16 header")
        try header.expectSize(660)
        try header.expectPrime("q", FqParameters.modulus)
        try header.expectPrime("r", FrParameters.modulus)
        let nVars = Int(try header.u32())
        let nPublic = Int(try header.u32())
        let domainSize = Int(try header.u32())
        guard nPublic + 1 <= nVars else {
            throw .countMismatch(
                file: file, section: 2, what: "\(nPublic) public signals need more than the \(nVars) wires")
        }
        guard domainSize > 0, domainSize & (domainSize - 1) == 0 else {
            throw .countMismatch(file: file, section: 2, what: "domain size \(domainSize) is not a power of two")
        }
        let alpha1 = try PointDecoding.g1(&header)
        let beta1 = try PointDecoding.g1(&header)
        let beta2 = try PointDecoding.g2(&header)
        let gamma2 = try PointDecoding.g2(&header)
        let delta1 = try PointDecoding.g1(&header)
        let delta2 = try PointDecoding.g2(&header)

        var icSection = try container.section(3, "IC")
        try icSection.expectSize((nPublic + 1) * 64)
        let ic = try PointDecoding.g1Points(&icSection, count: nPublic + 1, workers: workers)

        var coefficientSection = try container.section(4, "coefficients")
        let coefficientCount = Int(try coefficientSection.u32())
        try coefficientSection.expectSize(4 + coefficientCount * 44)
        let keepMapped = options.keepSectionsMapped && mapped != nil
        let coefficientStart = coefficientSection.position
        let coefficients = try Self.coefficients(
            &coefficientSection, count: coefficientCount, rows: domainSize, wires: nVars, keep: !keepMapped)
        mapped?.discard(coefficientSection.range)

        if let mapped, keepMapped {
            // Checked as when decoded, then handed over as bytes.
            func pointSection(_ type: UInt32, _ name: String, count: Int, g2: Bool) throws(CircomError)
                -> UnsafeRawBufferPointer
            {
                var section = try container.section(type, name)
                let stride = g2 ? 128 : 64
                try section.expectSize(count * stride)
                let start = section.position
                if g2 {
                    try PointDecoding.checkG2Points(
                        &section, count: count, workers: workers, checkSubgroup: options.checkB2Subgroup,
                        release: mapped)
                } else {
                    try PointDecoding.checkG1Points(&section, count: count, workers: workers, release: mapped)
                }
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count * stride)])
            }
            let encoded = EncodedProvingKeySections(
                coefficients: UnsafeRawBufferPointer(
                    rebasing: bytes[coefficientStart..<(coefficientStart + 44 * coefficientCount)]),
                coefficientCount: coefficientCount,
                a: try pointSection(5, "A points", count: nVars, g2: false),
                b1: try pointSection(6, "B1 points", count: nVars, g2: false),
                b2: try pointSection(7, "B2 points", count: nVars, g2: true),
                c: try pointSection(8, "C points", count: nVars - nPublic - 1, g2: false),
                h: try pointSection(9, "H points", count: domainSize, g2: false),
                owner: mapped, release: { mapped.discard($0) })
            provingKey = ProvingKey(
                nVars: nVars, nPublic: nPublic, domainSize: domainSize, alpha1: alpha1, beta1: beta1, beta2: beta2,
                gamma2: gamma2, delta1: delta1, delta2: delta2, ic: ic, encoded: encoded)
        } else {
            func g1Section(_ type: UInt32, _ name: String, count: Int) throws(CircomError) -> [G1Affine] {
                var section = try container.section(type, name)
                try section.expectSize(count * 64)
                return try PointDecoding.g1Points(&section, count: count, workers: workers, release: mapped)
            }
            let a = try g1Section(5, "A points", count: nVars)
            let b1 = try g1Section(6, "B1 points", count: nVars)
            var b2Section = try container.section(7, "B2 points")
            try b2Section.expectSize(nVars * 128)
            let b2 = try PointDecoding.g2Points(
                &b2Section, count: nVars, workers: workers, checkSubgroup: options.checkB2Subgroup, release: mapped)
            let c = try g1Section(8, "C points", count: nVars - nPublic - 1)
            let h = try g1Section(9, "H points", count: domainSize)
            provingKey = ProvingKey(
                nVars: nVars, nPublic: nPublic, domainSize: domainSize, alpha1: alpha1, beta1: beta1, beta2: beta2,
                gamma2: gamma2, delta1: delta1, delta2: delta2, ic: ic, coefficients: coefficients, a: a, b1: b1,
                b2: b2, c: c, h: h)
        }

        let contributions = container.optionalSection(10).map {
            Array(UnsafeRawBufferPointer(rebasing: bytes[$0.range]))
        }

        self.contributions = contributions ?? Self.emptyContributions
        sectionOrder = container.order.filter { (1...10).contains($0) }
        do {
            try provingKey.validate()
        } catch {
            throw .countMismatch(file: file, section: 2, what: error.description)
        }
    }

    /// Section 4's entries, each (u32 matrix, u32 row, u32 wire, 32-byte coef·R² mod r), checked; kept only
    /// when `keep` (else the result is empty).
    private static func coefficients(
        _ cursor: inout ByteCursor, count: Int, rows: Int, wires: Int, keep: Bool
    ) throws(CircomError) -> [MatrixCoefficient] {
        let file = cursor.file
        let start = try cursor.take(count * 44)
        var result: [MatrixCoefficient] = []
        if keep { result.reserveCapacity(count) }
        let bytes = cursor.bytes
        let inverseRadix = FieldLimbs.inverseMontgomeryRadix
        for i in 0..<count {
            let at = start + 44 * i
            let matrixID = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            let row = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
            let wire = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self))
            guard let matrix = MatrixCoefficient.Matrix(rawValue: matrixID) else {
                throw .countMismatch(
                    file: file, section: 4,
                    what: "coefficient \(i) names matrix \(matrixID) (only 0 = A and 1 = B exist)")
            }
            guard Int(row) < rows, Int(wire) < wires else {
                throw .countMismatch(
                    file: file, section: 4,
                    what:
                        "coefficient \(i) at row \(row), wire \(wire) lies outside the domain (\(rows)) or the wires (\(wires))"
                )
            }
            let limbs = FieldLimbs.load(bytes, at + 12)
            guard FieldLimbs.less(limbs, FrParameters.modulus) else {
                throw .valueOutOfRange(file: file, section: 4, offset: at + 12, field: "Fr")
            }
            guard keep else { continue }
            // Montgomery representative coef·R² is the element coef·R; times R⁻¹ gives coef.
            let value = Fr(montgomeryLimbs: limbs) * inverseRadix
            result.append(MatrixCoefficient(matrix: matrix, constraint: row, signal: wire, value: value))
        }
        return result
    }

    /// The key's bytes, sections in `sectionOrder`. A large key is better written with `write(to:)`, which
    /// streams it to the file.
    public func encoded() -> [UInt8] {
        var writer = Iden3Writer()
        // Writing to memory cannot fail: the only errors are the file system's.
        try? write(into: &writer)
        return writer.bytes
    }

    /// Writes the key (through a temporary file renamed into place).
    public func write(to url: URL) throws(CircomError) {
        try Iden3Writer.writeFile(atPath: url.path) { (writer) throws(CircomError) in try write(into: &writer) }
    }

    private func write(into writer: inout Iden3Writer) throws(CircomError) {
        var key = provingKey
        // Writing reads every section several times: an encoded key is decoded once, here.
        key.decode()
        var order = sectionOrder.filter { (1...10).contains($0) }
        for type in Self.defaultSectionOrder where !order.contains(type) { order.append(type) }
        try writer.header(magic: "zkey", version: 1, sections: order.count)
        let radix = FieldLimbs.montgomeryRadix
        for type in order {
            switch type {
            case 1:
                try writer.section(1, size: 4) { (w) throws(CircomError) in w.u32(1) }
            case 2:
                try writer.section(2, size: 660) { (w) throws(CircomError) in
                    try w.prime(FqParameters.modulus)
                    try w.prime(FrParameters.modulus)
                    w.u32(UInt32(key.nVars))
                    w.u32(UInt32(key.nPublic))
                    w.u32(UInt32(key.domainSize))
                    try w.g1(key.alpha1)
                    try w.g1(key.beta1)
                    try w.g2(key.beta2)
                    try w.g2(key.gamma2)
                    try w.g1(key.delta1)
                    try w.g2(key.delta2)
                }
            case 3:
                try writer.section(3, size: 64 * key.ic.count) { (w) throws(CircomError) in
                    for p in key.ic { try w.g1(p) }
                }
            case 4:
                try writer.section(4, size: 4 + 44 * key.coefficients.count) { (w) throws(CircomError) in
                    w.u32(UInt32(key.coefficients.count))
                    for k in key.coefficients {
                        w.u32(k.matrix.rawValue)
                        w.u32(k.constraint)
                        w.u32(k.signal)
                        // The element coef·R has the Montgomery representative coef·R², what snarkjs stores.
                        try w.limbs((k.value * radix).limbs)
                    }
                }
            case 5, 6, 8, 9:
                let points = [5: key.a, 6: key.b1, 8: key.c, 9: key.h][Int(type)] ?? []
                try writer.section(type, size: 64 * points.count) { (w) throws(CircomError) in
                    for p in points { try w.g1(p) }
                }
            case 7:
                try writer.section(7, size: 128 * key.b2.count) { (w) throws(CircomError) in
                    for p in key.b2 { try w.g2(p) }
                }
            default:
                try writer.section(10, size: contributions.count) { (w) throws(CircomError) in try w.raw(contributions)
                }
            }
        }
    }
}
