import BN254

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A `.wtns` witness file (snarkjs `src/wtns_utils.js`, version 2): section 1 holds n8, the prime r and the
/// number of values; section 2 the values in standard form, 32 bytes little-endian each. Value 0 is the
/// constant one, then the public outputs, the public inputs and the private wires.
public struct WitnessFile: Sendable, Equatable {
    public var values: [Fr]

    public init(values: [Fr]) { self.values = values }

    /// Reads a file through a read-only memory mapping.
    public init(contentsOf url: URL) throws(CircomError) {
        let mapped = try MappedFile(path: url.path)
        try self.init(bytes: mapped.bytes, file: url.path)
    }

    /// Parses the bytes of a file; `file` names it in errors.
    public init(bytes: [UInt8], file: String = "<memory>") throws(CircomError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(CircomError) in try WitnessFile(bytes: raw, file: file) }
        }.get()
    }

    init(bytes: UnsafeRawBufferPointer, file: String) throws(CircomError) {
        let container = try Iden3Container(file: file, bytes: bytes, magic: "wtns", version: 2)
        var header = try container.section(1, "header")
        try header.expectSize(40)
        try header.expectPrime("r", FrParameters.modulus)
        let count = Int(try header.u32())
        var section = try container.section(2, "values")
        try section.expectSize(count * 32)
        let start = try section.take(count * 32)
        var values: [Fr] = []
        values.reserveCapacity(count)
        for i in 0..<count {
            let limbs = FieldLimbs.load(bytes, start + 32 * i)
            // `Fr(canonical:)` fails exactly when the value is not below r.
            guard let value = try? Fr(canonical: limbs) else {
                throw .valueOutOfRange(file: file, section: 2, offset: start + 32 * i, field: "Fr")
            }
            values.append(value)
        }
        self.values = values
    }

    /// The file's bytes (sections 1, 2, as snarkjs and circom write them).
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
        try writer.header(magic: "wtns", version: 2, sections: 2)
        try writer.section(1, size: 40) { (w) throws(CircomError) in
            try w.prime(FrParameters.modulus)
            w.u32(UInt32(values.count))
        }
        try writer.section(2, size: 32 * values.count) { (w) throws(CircomError) in
            for value in values { try w.limbs(value.canonical) }
        }
    }
}
