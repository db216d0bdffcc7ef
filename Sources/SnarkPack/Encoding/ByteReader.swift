/// Reads a byte string front to back, with a typed error naming the object when it runs short.
struct ByteReader {
    let bytes: [UInt8]
    let what: String
    private(set) var offset = 0

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    mutating func take(_ count: Int) throws(SnarkPackError) -> ArraySlice<UInt8> {
        guard bytes.count - offset >= count else {
            throw .truncated(what: what, offset: offset, needed: count, available: bytes.count - offset)
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func uint32() throws(SnarkPackError) -> UInt32 {
        let b = try take(4)
        return b.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Fails if anything is left.
    func finish() throws(SnarkPackError) {
        guard offset == bytes.count else {
            throw .trailingBytes(what: what, offset: offset, count: bytes.count - offset)
        }
    }
}

/// u32 little-endian.
func uint32Bytes(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
