#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file mapped read-only into memory. Readers parse straight from the mapping into typed arrays, so a
/// large .zkey is never copied into a byte buffer first; `discard(_:)` drops pages already parsed from
/// this process's resident set (they stay in the kernel's page cache, shared and reclaimable).
///
/// `@unchecked Sendable`: the mapping is read-only and immutable for the object's whole life, and it is
/// unmapped only in `deinit`, when no reader can hold it any more.
final class MappedFile: @unchecked Sendable {
    let path: String
    private let base: UnsafeRawPointer?
    let count: Int

    init(path: String) throws(CircomError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .io(file: path, reason: "cannot open: \(MappedFile.lastError())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(file: path, reason: "cannot stat: \(MappedFile.lastError())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .io(file: path, reason: "not a regular file") }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let pointer = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw .io(file: path, reason: "cannot map \(count) bytes: \(MappedFile.lastError())")
        }
        base = UnsafeRawPointer(pointer)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The whole file.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Tells the kernel this process is done with the whole pages inside `range`; reading them again later
    /// is still correct (they are faulted back in from the file).
    func discard(_ range: Range<Int>) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    /// `discard(_:)` for bytes given as a buffer inside the mapping (nothing for any other buffer).
    func discard(_ buffer: UnsafeRawBufferPointer) {
        guard let base, let start = buffer.baseAddress, start >= base, start + buffer.count <= base + count else {
            return
        }
        discard((start - base)..<(start - base + buffer.count))
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
