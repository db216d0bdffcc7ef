import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on a gateway's data directory (`flock` on `DATA_DIR/gateway.lock`), held by a running
/// gateway for as long as it lives, and by `provernet admin allow-prover` while it writes the database of a
/// gateway that is not running. So the offline command refuses while a gateway runs (it must then go
/// through the admin RPC), and a gateway does not start while the command writes. The kernel drops the
/// lock when its holder exits, however it exits.
public final class DataDirectoryLock: Sendable {
    /// The lock file's name in the data directory.
    public static let fileName = "gateway.lock"

    private let descriptor: Int32
    /// The lock file.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Takes the lock of `directory` without waiting; nil when another process (a running gateway, or an
    /// offline admin command) holds it.
    public static func acquire(dataDirectory directory: String) throws(GatewayError) -> DataDirectoryLock? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .configuration("cannot open the lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(fd)
            if busy { return nil }
            throw .configuration("cannot lock \(path): \(reason)")
        }
        return DataDirectoryLock(descriptor: fd, path: path)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
