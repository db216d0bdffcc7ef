#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole files written so that a crash or a power loss leaves either the old file or the new one, never
/// a torn mixture: the bytes go to a temporary file beside the target, which is fsynced, closed and only
/// then renamed over the target (rename is atomic within a directory); the directory is fsynced last so
/// that the rename itself survives a power loss.
///
/// A torn write would be caught anyway by a checkpoint file's checksum; the order here makes sure that a
/// file which is there after a restart is the whole file, so that finished work is not lost for nothing.
enum AtomicFile {
    /// The suffix of a temporary file that `replaceContents(atPath:with:)` renames into place; one that a crash left
    /// behind is never read, and `ProofCheckpoint.remove()` deletes it.
    static let temporaryMarker = ".tmp-"

    /// Writes `bytes` to `path` atomically and durably.
    static func replaceContents(atPath path: String, with bytes: [UInt8]) throws(Groth16Error) {
        let temporary = path + temporaryMarker + String(getpid())
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .checkpointUnwritable(path: path, reason: "cannot create \(temporary): \(lastError())")
        }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + written }, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return "cannot write: \(lastError())"
                }
                written += n
            }
            // Durable before it becomes visible: a rename that reaches the disk before the data would
            // leave, after a power loss, a file of the right name with missing blocks.
            return fsync(fd) == 0 ? nil : "cannot fsync: \(lastError())"
        }
        if let failure {
            close(fd)
            unlink(temporary)
            throw .checkpointUnwritable(path: path, reason: failure)
        }
        guard close(fd) == 0 else {
            let reason = lastError()
            unlink(temporary)
            throw .checkpointUnwritable(path: path, reason: "cannot close: \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = lastError()
            unlink(temporary)
            throw .checkpointUnwritable(path: path, reason: "cannot rename the written file into place: \(reason)")
        }
        syncDirectory(of: path)
    }

    /// The whole file at `path`, or nil if there is none.
    static func contents(atPath path: String) throws(Groth16Error) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            // ENOTDIR: a path through a regular file, where no checkpoint can be either.
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .checkpointUnreadable(path: path, reason: "cannot open: \(lastError())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .checkpointUnreadable(path: path, reason: "cannot stat: \(lastError())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .checkpointUnreadable(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var offset = 0
            while offset < size {
                let n = read(fd, buffer.baseAddress.map { $0 + offset }, size - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "cannot read: \(lastError())"
                    break
                }
                // The file shrank under us: what was read is checked like any short file.
                if n == 0 { break }
                offset += n
            }
            initialized = offset
        }
        if let failure { throw .checkpointUnreadable(path: path, reason: failure) }
        return bytes
    }

    /// Creates `path` and any missing parents (as `mkdir -p`).
    static func createDirectory(path: String) throws(Groth16Error) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .checkpointUnwritable(path: path, reason: "cannot create the directory \(prefix): \(lastError())")
            }
            prefix += "/"
        }
    }

    /// Deletes the file at `path`; a file that is not there counts as deleted.
    static func removeFile(atPath path: String) throws(Groth16Error) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .checkpointUnwritable(path: path, reason: "cannot remove: \(lastError())")
        }
    }

    /// Deletes the empty directory at `path`; a directory that is not there counts as deleted.
    static func removeDirectory(atPath path: String) throws(Groth16Error) {
        guard rmdir(path) == 0 || errno == ENOENT else {
            throw .checkpointUnwritable(path: path, reason: "cannot remove the directory: \(lastError())")
        }
    }

    /// The names in the directory at `path`, or nil if there is no such directory.
    static func names(inDirectory path: String) throws(Groth16Error) -> [String]? {
        guard let directory = opendir(path) else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .checkpointUnreadable(path: path, reason: "cannot list the directory: \(lastError())")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Makes a rename inside the directory of `path` durable. Best effort: some file systems refuse fsync
    /// on a directory, and a rename lost in a power loss only means that the stage is computed again.
    private static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
