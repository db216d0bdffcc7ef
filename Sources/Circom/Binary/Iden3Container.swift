import BN254

/// The iden3 binary container shared by .r1cs, .wtns, .zkey and .ptau: magic (4 bytes), u32 version,
/// u32 nSections, then nSections × (u32 type, u64 size, payload), little-endian. Sections may come in any
/// order; this index finds them by type and checks every size against the file's length before anyone
/// reads a payload, so no later read can run past the end.
struct Iden3Container {
    let file: String
    let bytes: UnsafeRawBufferPointer
    let version: UInt32
    /// The payload's byte range in the file, by section type.
    private(set) var sections: [UInt32: Range<Int>] = [:]
    /// The section types in the order they appear in the file.
    private(set) var order: [UInt32] = []

    init(file: String, bytes: UnsafeRawBufferPointer, magic: String, version expected: UInt32) throws(CircomError) {
        self.file = file
        self.bytes = bytes
        let magicBytes = Array(magic.utf8)
        guard bytes.count >= 4 else {
            if !bytes.isEmpty, !magicBytes.starts(with: bytes) {
                throw .wrongMagic(file: file, expected: magic, found: Array(bytes))
            }
            throw .truncated(file: file, section: nil, offset: 0, needed: 12, available: bytes.count)
        }
        guard Array(bytes[0..<4]) == magicBytes else {
            throw .wrongMagic(file: file, expected: magic, found: Array(bytes[0..<4]))
        }
        guard bytes.count >= 12 else {
            throw .truncated(file: file, section: nil, offset: 0, needed: 12, available: bytes.count)
        }
        version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        guard version == expected else {
            throw .unsupportedVersion(file: file, format: magic, expected: expected, found: version)
        }
        let count = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        var offset = 12
        for _ in 0..<count {
            guard bytes.count - offset >= 12 else {
                throw .truncated(file: file, section: nil, offset: offset, needed: 12, available: bytes.count - offset)
            }
            let type = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let size = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self))
            let start = offset + 12
            let available = bytes.count - start
            guard size <= UInt64(available) else {
                throw .truncated(
                    file: file, section: type, offset: start, needed: Int(clamping: size), available: available)
            }
            guard sections[type] == nil else { throw .duplicateSection(file: file, section: type, offset: offset) }
            sections[type] = start..<(start + Int(size))
            order.append(type)
            offset = start + Int(size)
        }
        guard offset == bytes.count else {
            throw .trailingBytes(file: file, offset: offset, count: bytes.count - offset)
        }
    }

    /// A required section's cursor.
    func section(_ type: UInt32, _ name: String) throws(CircomError) -> ByteCursor {
        guard let range = sections[type] else { throw .missingSection(file: file, section: type, name: name) }
        return ByteCursor(file: file, section: type, bytes: bytes, range: range)
    }

    /// An optional section's cursor, or nil.
    func optionalSection(_ type: UInt32) -> ByteCursor? {
        sections[type].map { ByteCursor(file: file, section: type, bytes: bytes, range: $0) }
    }
}

/// Reads a section's payload front to back; every read is bounds-checked against the section's end.
struct ByteCursor {
    let file: String
    let section: UInt32
    let bytes: UnsafeRawBufferPointer
    let range: Range<Int>
    private(set) var position: Int

    init(file: String, section: UInt32, bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.file = file
        self.section = section
        self.bytes = bytes
        self.range = range
        self.position = range.lowerBound
    }

    var remaining: Int { range.upperBound - position }
    var size: Int { range.count }

    /// Fails unless `count` more bytes lie inside the section; returns where they start.
    mutating func take(_ count: Int) throws(CircomError) -> Int {
        guard count >= 0, count <= remaining else {
            throw .truncated(file: file, section: section, offset: position, needed: count, available: remaining)
        }
        defer { position += count }
        return position
    }

    mutating func u32() throws(CircomError) -> UInt32 {
        let at = try take(4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    mutating func u64() throws(CircomError) -> UInt64 {
        let at = try take(8)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// Fails unless the section has exactly `expected` bytes (checked before a fixed-size section is parsed).
    func expectSize(_ expected: Int) throws(CircomError) {
        guard size == expected else {
            throw .sectionSize(file: file, section: section, expected: expected, actual: size)
        }
    }

    /// Fails unless the cursor has consumed the whole section.
    func expectEnd() throws(CircomError) {
        guard remaining == 0 else {
            throw .sectionSize(file: file, section: section, expected: position - range.lowerBound, actual: size)
        }
    }

    /// Reads n8 and the prime that follow it and checks they are BN254's `field` ("q" or "r").
    mutating func expectPrime(_ field: String, _ modulus: Limbs4) throws(CircomError) {
        let at = position
        let n8 = try u32()
        guard n8 == 32 else { throw .wrongFieldSize(file: file, section: section, offset: at, bytes: n8) }
        let primeAt = try take(32)
        let prime = FieldLimbs.load(bytes, primeAt)
        guard FieldLimbs.equal(prime, modulus) else {
            throw .wrongPrime(
                file: file, section: section, offset: primeAt, field: field, found: FieldLimbs.decimal(prime))
        }
    }
}
