import BN254
import Groth16

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A circom `.r1cs` file (iden3/r1csfile `doc/r1cs_bin_format.md`, version 1): section 1 the header, section 2
/// the constraints A·B − C = 0 with coefficients in standard form, section 3 the wire → label map.
/// Sections 4 and 5 (custom gates, PLONK only) are refused when they declare any gate.
public struct R1CSFile: Sendable, Equatable {
    public var r1cs: R1CS
    /// The order the sections had in the file read (circom 2 writes 2, 1, 3), kept so that writing the
    /// file again gives the same bytes. Section 3 is written only when `r1cs.wireToLabel` is not empty.
    public var sectionOrder: [UInt32]

    public static let defaultSectionOrder: [UInt32] = [1, 2, 3]

    public init(r1cs: R1CS, sectionOrder: [UInt32] = R1CSFile.defaultSectionOrder) {
        self.r1cs = r1cs
        self.sectionOrder = sectionOrder
    }

    /// Reads a file through a read-only memory mapping.
    public init(contentsOf url: URL) throws(CircomError) {
        let mapped = try MappedFile(path: url.path)
        try self.init(bytes: mapped.bytes, file: url.path)
    }

    /// Parses the bytes of a file; `file` names it in errors.
    public init(bytes: [UInt8], file: String = "<memory>") throws(CircomError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(CircomError) in try R1CSFile(bytes: raw, file: file) }
        }.get()
    }

    init(bytes: UnsafeRawBufferPointer, file: String) throws(CircomError) {
        let container = try Iden3Container(file: file, bytes: bytes, magic: "r1cs", version: 1)

        var header = try container.section(1, "header")
        try header.expectSize(64)
        try header.expectPrime("r", FrParameters.modulus)
        let nWires = Int(try header.u32())
        let nPublicOutputs = Int(try header.u32())
        let nPublicInputs = Int(try header.u32())
        let nPrivateInputs = Int(try header.u32())
        let nLabels = try header.u64()
        let nConstraints = Int(try header.u32())
        guard nWires >= 1, 1 + nPublicOutputs + nPublicInputs + nPrivateInputs <= nWires else {
            throw .countMismatch(
                file: file, section: 1,
                what:
                    "1 + \(nPublicOutputs) outputs + \(nPublicInputs) public + \(nPrivateInputs) private inputs exceed \(nWires) wires"
            )
        }
        guard nLabels <= UInt64(Int.max) else {
            throw .countMismatch(file: file, section: 1, what: "\(nLabels) labels")
        }

        for type: UInt32 in [4, 5] {
            if var custom = container.optionalSection(type), custom.size > 0 {
                let count = try custom.u32()
                if count > 0 { throw .customGates(file: file, section: type, count: count) }
            }
        }

        var section = try container.section(2, "constraints")
        // Each constraint takes at least 12 bytes: refuse an impossible count before reserving memory for it.
        guard nConstraints <= section.size / 12 else {
            throw .countMismatch(
                file: file, section: 2, what: "\(nConstraints) constraints cannot fit in \(section.size) bytes")
        }
        var constraints: [Constraint] = []
        constraints.reserveCapacity(nConstraints)
        for index in 0..<nConstraints {
            let a = try Self.linearCombination(&section, constraint: index, wires: nWires)
            let b = try Self.linearCombination(&section, constraint: index, wires: nWires)
            let c = try Self.linearCombination(&section, constraint: index, wires: nWires)
            constraints.append(Constraint(a: a, b: b, c: c))
        }
        try section.expectEnd()

        var labels: [UInt64] = []
        if var map = container.optionalSection(3) {
            try map.expectSize(nWires * 8)
            labels.reserveCapacity(nWires)
            for _ in 0..<nWires { labels.append(try map.u64()) }
        }

        r1cs = R1CS(
            nWires: nWires, nPublicOutputs: nPublicOutputs, nPublicInputs: nPublicInputs,
            nPrivateInputs: nPrivateInputs, nLabels: Int(nLabels), constraints: constraints, wireToLabel: labels)
        sectionOrder = container.order.filter { [1, 2, 3].contains($0) }
    }

    private static func linearCombination(
        _ cursor: inout ByteCursor, constraint: Int, wires: Int
    ) throws(CircomError) -> LinearCombination {
        let count = Int(try cursor.u32())
        guard count <= cursor.remaining / 36 else {
            throw .truncated(
                file: cursor.file, section: cursor.section, offset: cursor.position, needed: count * 36,
                available: cursor.remaining)
        }
        var terms: [(wire: UInt32, coefficient: Fr)] = []
        terms.reserveCapacity(count)
        for _ in 0..<count {
            let wire = try cursor.u32()
            guard Int(wire) < wires else {
                throw .countMismatch(
                    file: cursor.file, section: cursor.section,
                    what: "constraint \(constraint) refers to wire \(wire), but the header declares \(wires) wires")
            }
            let at = try cursor.take(32)
            let limbs = FieldLimbs.load(cursor.bytes, at)
            guard FieldLimbs.less(limbs, FrParameters.modulus) else {
                throw .valueOutOfRange(file: cursor.file, section: cursor.section, offset: at, field: "Fr")
            }
            // The limbs are below r, so this cannot throw; the catch only satisfies the type checker.
            guard let value = try? Fr(canonical: limbs) else {
                throw .valueOutOfRange(file: cursor.file, section: cursor.section, offset: at, field: "Fr")
            }
            terms.append((wire, value))
        }
        return LinearCombination(terms)
    }

    /// The file's bytes, sections in `sectionOrder`.
    public func encoded() -> [UInt8] {
        var writer = Iden3Writer()
        // Writing to memory cannot fail: the only errors are the file system's.
        try? write(into: &writer)
        return writer.bytes
    }

    /// Writes the file (through a temporary file renamed into place).
    public func write(to url: URL) throws(CircomError) {
        try Iden3Writer.writeFile(atPath: url.path) { (writer) throws(CircomError) in try write(into: &writer) }
    }

    private func write(into writer: inout Iden3Writer) throws(CircomError) {
        var order = sectionOrder.filter { [1, 2, 3].contains($0) }
        for type: UInt32 in [1, 2, 3] where !order.contains(type) { order.append(type) }
        if r1cs.wireToLabel.isEmpty { order.removeAll { $0 == 3 } }
        try writer.header(magic: "r1cs", version: 1, sections: order.count)
        for type in order {
            switch type {
            case 1:
                try writer.section(1, size: 64) { (w) throws(CircomError) in
                    try w.prime(FrParameters.modulus)
                    w.u32(UInt32(r1cs.nWires))
                    w.u32(UInt32(r1cs.nPublicOutputs))
                    w.u32(UInt32(r1cs.nPublicInputs))
                    w.u32(UInt32(r1cs.nPrivateInputs))
                    w.u64(UInt64(r1cs.nLabels))
                    w.u32(UInt32(r1cs.constraints.count))
                }
            case 2:
                let size = r1cs.constraints.reduce(0) {
                    $0 + 12 + 36 * ($1.a.terms.count + $1.b.terms.count + $1.c.terms.count)
                }
                try writer.section(2, size: size) { (w) throws(CircomError) in
                    for constraint in r1cs.constraints {
                        for lc in [constraint.a, constraint.b, constraint.c] {
                            w.u32(UInt32(lc.terms.count))
                            for term in lc.terms {
                                w.u32(term.wire)
                                try w.limbs(term.coefficient.canonical)
                            }
                        }
                    }
                }
            default:
                try writer.section(3, size: 8 * r1cs.wireToLabel.count) { (w) throws(CircomError) in
                    for label in r1cs.wireToLabel { w.u64(label) }
                    try w.raw([])
                }
            }
        }
    }
}
