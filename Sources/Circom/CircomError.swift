import BN254
import Groth16

/// Everything that can be wrong with a circom or snarkjs file. Each case names the file, and for binary
/// files the section (the iden3 section type) and the byte offset from the start of the file, so that a
/// user can find the problem with a hex dump.
public enum CircomError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, mapped, read or written.
    case io(file: String, reason: String)
    /// The first four bytes are not the format's magic ("r1cs", "wtns", "zkey").
    case wrongMagic(file: String, expected: String, found: [UInt8])
    /// The container's version is not the one this reader understands.
    case unsupportedVersion(file: String, format: String, expected: UInt32, found: UInt32)
    /// The file ends before the bytes a header or section needs: `needed` bytes at `offset`, `available` left.
    case truncated(file: String, section: UInt32?, offset: Int, needed: Int, available: Int)
    /// Bytes follow the last section the header announces.
    case trailingBytes(file: String, offset: Int, count: Int)
    /// A section type appears twice.
    case duplicateSection(file: String, section: UInt32, offset: Int)
    /// A required section is absent.
    case missingSection(file: String, section: UInt32, name: String)
    /// A section's size does not match what its header's counts require.
    case sectionSize(file: String, section: UInt32, expected: Int, actual: Int)
    /// A field element has a byte size other than 32 (the file is for another curve).
    case wrongFieldSize(file: String, section: UInt32, offset: Int, bytes: UInt32)
    /// The prime stored in the file is not BN254's (`field` is "q" for the base field, "r" for the scalar field).
    case wrongPrime(file: String, section: UInt32, offset: Int, field: String, found: String)
    /// A .zkey for a proof system other than Groth16 (1): PLONK is 2, FFLONK is 10.
    case unsupportedProtocol(file: String, protocolID: UInt32)
    /// A count in the file disagrees with another count or with the data (`what` says which).
    case countMismatch(file: String, section: UInt32, what: String)
    /// A field element is not below its modulus.
    case valueOutOfRange(file: String, section: UInt32, offset: Int, field: String)
    /// A point is not on its curve (G1) or twist (G2); `index` is its position in the section.
    case pointNotOnCurve(file: String, section: UInt32, index: Int, offset: Int, group: String)
    /// A G2 point is on the twist but outside the prime-order subgroup.
    case pointNotInSubgroup(file: String, section: UInt32, index: Int, offset: Int)
    /// The circuit uses custom gates (r1cs sections 4/5), which only PLONK can prove.
    case customGates(file: String, section: UInt32, count: UInt32)
    /// A JSON document that is not valid JSON or does not have the expected shape.
    case invalidJSON(file: String, reason: String)
    /// A JSON field holds a value that is not a valid number, point or name.
    case invalidJSONValue(file: String, field: String, reason: String)
    /// A public signal is not below the scalar field's modulus r.
    case publicSignalOutOfRange(file: String, index: Int, value: String)

    public var description: String {
        switch self {
        case .io(let file, let reason):
            return "\(file): \(reason)"
        case .wrongMagic(let file, let expected, let found):
            let text = String(decoding: found.map { (32..<127).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            return "\(file): not a .\(expected) file (it starts with \"\(text)\", expected \"\(expected)\")"
        case .unsupportedVersion(let file, let format, let expected, let found):
            return "\(file): .\(format) version \(found) is not supported (expected version \(expected))"
        case .truncated(let file, let section, let offset, let needed, let available):
            let place = section.map { "section \($0)" } ?? "the file header"
            return
                "\(file): truncated: \(place) needs \(needed) bytes at offset \(offset), but only \(available) remain; "
                + "the file was cut short (download or copy it again)"
        case .trailingBytes(let file, let offset, let count):
            return "\(file): \(count) unexpected bytes after the last section, at offset \(offset)"
        case .duplicateSection(let file, let section, let offset):
            return "\(file): section \(section) appears a second time at offset \(offset)"
        case .missingSection(let file, let section, let name):
            return "\(file): section \(section) (\(name)) is missing"
        case .sectionSize(let file, let section, let expected, let actual):
            return "\(file): section \(section) has \(actual) bytes, but its counts require \(expected)"
        case .wrongFieldSize(let file, let section, let offset, let bytes):
            return "\(file): section \(section) at offset \(offset): field elements of \(bytes) bytes; "
                + "only BN254 (32 bytes) is supported — was the circuit compiled for another curve?"
        case .wrongPrime(let file, let section, let offset, let field, let found):
            return "\(file): section \(section) at offset \(offset): the prime \(field) = \(found) is not BN254's; "
                + "compile the circuit with circom's default prime (bn128)"
        case .unsupportedProtocol(let file, let id):
            let name = [2: "PLONK", 10: "FFLONK"][id].map { " (\($0))" } ?? ""
            return "\(file): zkey protocol \(id)\(name) is not supported; only Groth16 (1) is"
        case .countMismatch(let file, let section, let what):
            return "\(file): section \(section): \(what)"
        case .valueOutOfRange(let file, let section, let offset, let field):
            return "\(file): section \(section) at offset \(offset): a value is not below the modulus of \(field)"
        case .pointNotOnCurve(let file, let section, let index, let offset, let group):
            return
                "\(file): section \(section), point \(index) at offset \(offset) is not on the \(group) curve; the file is corrupt"
        case .pointNotInSubgroup(let file, let section, let index, let offset):
            return "\(file): section \(section), point \(index) at offset \(offset) is not in G2's prime-order subgroup"
        case .customGates(let file, let section, let count):
            return "\(file): the circuit uses \(count) custom gates (section \(section)); Groth16 cannot prove them — "
                + "compile without custom templates or use PLONK"
        case .invalidJSON(let file, let reason):
            return "\(file): \(reason)"
        case .invalidJSONValue(let file, let field, let reason):
            return "\(file): \(field): \(reason)"
        case .publicSignalOutOfRange(let file, let index, let value):
            return "\(file): public signal \(index) = \(value) is not below the scalar field's modulus r"
        }
    }
}
