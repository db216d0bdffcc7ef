import BN254

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes an iden3 container. Every section's size is known before its payload is written, so the output
/// streams front to back: to a byte array, or to a file in 4 MiB pieces (a large .zkey is never built in
/// memory as a whole).
struct Iden3Writer {
    private var buffer: [UInt8] = []
    private let descriptor: Int32?
    private let path: String
    private static let flushSize = 4 << 20

    /// Writes into memory; `bytes` returns the result.
    init() {
        descriptor = nil
        path = "<memory>"
    }

    /// Writes to a file descriptor opened by the caller.
    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    var bytes: [UInt8] { buffer }

    mutating func header(magic: String, version: UInt32, sections: Int) throws(CircomError) {
        buffer.append(contentsOf: Array(magic.utf8))
        buffer.appendLittleEndian(version)
        buffer.appendLittleEndian(UInt32(sections))
        try flushIfFull()
    }

    /// A section: its header, then whatever `payload` writes, which must be exactly `size` bytes.
    mutating func section(
        _ type: UInt32, size: Int, _ payload: (inout Iden3Writer) throws(CircomError) -> Void
    ) throws(CircomError) {
        buffer.appendLittleEndian(type)
        buffer.appendLittleEndian(UInt64(size))
        let before = written
        try payload(&self)
        // A true invariant: the sizes are computed from the same counts the payload writers loop over.
        precondition(written - before == size, "section \(type): wrote \(written - before) bytes, announced \(size)")
    }

    private var flushed = 0
    private var written: Int { flushed + buffer.count }

    mutating func u32(_ value: UInt32) { buffer.appendLittleEndian(value) }
    mutating func u64(_ value: UInt64) { buffer.appendLittleEndian(value) }
    mutating func raw(_ bytes: [UInt8]) throws(CircomError) {
        buffer.append(contentsOf: bytes)
        try flushIfFull()
    }
    mutating func limbs(_ limbs: Limbs4) throws(CircomError) {
        buffer.appendLimbs(limbs)
        try flushIfFull()
    }

    /// A G1 point in iden3 form: Montgomery x‖y, infinity as zeros.
    mutating func g1(_ p: G1Affine) throws(CircomError) {
        if p.isInfinity {
            buffer.append(contentsOf: repeatElement(0, count: 64))
        } else {
            buffer.appendLimbs(p.x.limbs)
            buffer.appendLimbs(p.y.limbs)
        }
        try flushIfFull()
    }

    /// A G2 point in iden3 form: Montgomery x.c0‖x.c1‖y.c0‖y.c1, infinity as zeros.
    mutating func g2(_ p: G2Affine) throws(CircomError) {
        if p.isInfinity {
            buffer.append(contentsOf: repeatElement(0, count: 128))
        } else {
            buffer.appendLimbs(p.x.c0.limbs)
            buffer.appendLimbs(p.x.c1.limbs)
            buffer.appendLimbs(p.y.c0.limbs)
            buffer.appendLimbs(p.y.c1.limbs)
        }
        try flushIfFull()
    }

    /// The prime with its byte size n8 = 32, as every BN254 header stores it.
    mutating func prime(_ modulus: Limbs4) throws(CircomError) {
        u32(32)
        try limbs(modulus)
    }

    private mutating func flushIfFull() throws(CircomError) {
        if descriptor != nil && buffer.count >= Self.flushSize { try flush() }
    }

    mutating func flush() throws(CircomError) {
        guard let descriptor, !buffer.isEmpty else { return }
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(file: path, reason: "cannot write: \(MappedFile.lastError())")
            }
            done += n
        }
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes a file through a temporary sibling that is renamed into place, so a reader never sees half a
    /// file and a failed write leaves the old file as it was.
    static func writeFile(
        atPath path: String, _ body: (inout Iden3Writer) throws(CircomError) -> Void
    ) throws(CircomError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw .io(file: path, reason: "cannot create: \(MappedFile.lastError())") }
        var writer = Iden3Writer(descriptor: fd, path: path)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            unlink(temporary)
            throw .io(file: path, reason: "cannot close: \(MappedFile.lastError())")
        }
        guard rename(temporary, path) == 0 else {
            let reason = MappedFile.lastError()
            unlink(temporary)
            throw .io(file: path, reason: "cannot rename the written file into place: \(reason)")
        }
    }
}
